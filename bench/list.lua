-- A commission's worklist: 50 rows, filtered by state, as its review queue asks.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

-- One request, the same each time: wrk formats it once and sends it as it is.
wrk.path = "/api/v1/referrals?state=commission_review,in_person_scheduled&limit=50"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN")

done = report.done
