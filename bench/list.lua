-- A commission's worklist: 50 rows, filtered by state, as its review queue asks.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local token = os.getenv("JOLDAMA_TOKEN")

request = function()
  return wrk.format("GET", "/api/v1/referrals?state=commission_review,in_person_scheduled&limit=50",
    { ["Authorization"] = "Bearer " .. token })
end

done = report.done
