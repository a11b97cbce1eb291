-- Durable writes: a doctor registers referrals, each for a (patient, profile) pair of its own —
-- a patient may hold one open referral per profile — from the pool scripts/bench registered
-- before the clock started. Each is answered only after its commit is on disk.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local cases = {
  { "cardiac_surgery", "I25.1" }, { "cardiology", "I20.8" }, { "neurosurgery", "D33.0" },
  { "oncology", "C34.1" }, { "hematology", "C92.0" }, { "transplantation", "N18.5" },
  { "ophthalmology", "H25.1" }, { "traumatology_orthopedics", "M16.1" },
  { "uronephrology", "N20.0" }, { "obstetrics_gynecology", "D25.1" },
  { "pediatric_surgery", "Q40.0" }, { "surgery", "K80.2" },
}

-- Each wrk thread has its own Lua state: the threads take turns through the pairs.
local threads = 0
setup = function(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local iins = {}
local counter, step = 0, 1
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN"),
  ["Content-Type"] = "application/json",
}

init = function()
  for line in io.lines(os.getenv("JOLDAMA_IINS")) do iins[#iins + 1] = line end
  assert(#iins > 0, "write.lua: no patients in JOLDAMA_IINS")
  counter = tonumber(thread_index) or 0
  step = tonumber(os.getenv("JOLDAMA_WRK_THREADS") or "2")
end

request = function()
  local pair = counter
  counter = counter + step
  local iin = iins[pair % #iins + 1]
  local case = cases[math.floor(pair / #iins) % #cases + 1]
  local body = '{"patient_iin":"' .. iin .. '","icd10":"' .. case[2] .. '","profile":"'
    .. case[1] .. '","urgency":"routine","care_form":"inpatient",'
    .. '"justification":"Benchmark: three-vessel disease"}'
  return wrk.format("POST", "/api/v1/referrals", headers, body)
end

done = report.done
