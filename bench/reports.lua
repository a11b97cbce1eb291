-- One of the reports, country-wide, as the republican level reads it (JOLDAMA_REPORT: its
-- path and query), in JSON.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

-- The same request each time: wrk formats it once and sends it as it is.
wrk.path = os.getenv("JOLDAMA_REPORT")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN")

done = report.done
