-- Durable writes: a doctor registers referrals for an existing patient. Each is answered only
-- after its commit is on disk.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

-- One request, the same each time: wrk formats it once and sends it as it is.
wrk.method = "POST"
wrk.path = "/api/v1/referrals"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"patient_iin":"' .. os.getenv("JOLDAMA_IIN") .. '","icd10":"I25.1",'
  .. '"profile":"cardiac_surgery","urgency":"routine","care_form":"inpatient",'
  .. '"justification":"Benchmark: three-vessel disease"}'

done = report.done
