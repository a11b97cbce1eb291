-- Authenticated GET /api/v1/referrals/{id} over many ids (the republican level sees them all).
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local token = os.getenv("JOLDAMA_TOKEN")
local count = tonumber(os.getenv("JOLDAMA_REFERRALS"))
local counter = 0

request = function()
  counter = counter + 1
  local id = (counter * 7919) % count + 1
  return wrk.format("GET", "/api/v1/referrals/" .. id, { ["Authorization"] = "Bearer " .. token })
end

done = report.done
