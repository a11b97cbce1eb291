-- Durable writes: a doctor registers referrals, each for a (patient, profile) pair of its own —
-- a patient may hold one open referral per profile — from the list `joldama-bench patients`
-- made before the clock started ("IIN PROFILE ICD10" a line). Each is answered only after its
-- commit is on disk.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local turns = require("turns")

setup = turns.setup

local next_referral
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN"),
  ["Content-Type"] = "application/json",
}

init = function()
  next_referral = turns.lines(os.getenv("JOLDAMA_REFERRAL_PLAN"), "write.lua")
end

request = function()
  -- Past the end of the list the answers are 409s, which the report counts as errors.
  local line = next_referral() or "000000000000 cardiac_surgery I25.1"
  local iin, profile, icd10 = line:match("^(%d+) (%S+) (%S+)$")
  local body = '{"patient_iin":"' .. iin .. '","icd10":"' .. icd10 .. '","profile":"'
    .. profile .. '","urgency":"routine","care_form":"inpatient",'
    .. '"justification":"Benchmark: three-vessel disease"}'
  return wrk.format("POST", "/api/v1/referrals", headers, body)
end

done = report.done
