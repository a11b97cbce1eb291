-- Durable writes: a doctor registers referrals for an existing patient. Each is answered only
-- after its commit is on disk.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local token = os.getenv("JOLDAMA_TOKEN")
local iin = os.getenv("JOLDAMA_IIN")
local body = '{"patient_iin":"' .. iin .. '","icd10":"I25.1","profile":"cardiac_surgery",'
  .. '"urgency":"routine","care_form":"inpatient","justification":"Benchmark: three-vessel disease"}'

request = function()
  return wrk.format("POST", "/api/v1/referrals", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = report.done
