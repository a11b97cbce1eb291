-- GET /healthz: what Beast and the server's plumbing alone can do here.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
done = report.done
