-- The public page of free places: no account, a region and a profile, the coming week.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local profiles = { "cardiology", "surgery", "obstetrics_gynecology", "traumatology_orthopedics" }
local regions = { "10", "11", "15", "19", "23", "27", "31", "33", "35", "39", "43", "47", "55",
  "59", "61", "62", "63", "71", "75", "79" }
local counter = 0
local requests = {}

init = function()
  -- Every query formatted once: the load generator shares the server's cores.
  for _, region in ipairs(regions) do
    for _, profile in ipairs(profiles) do
      requests[#requests + 1] = wrk.format("GET", "/api/v1/places?region=" .. region
        .. "&profile=" .. profile .. "&days=7&free=true")
    end
  end
end

request = function()
  counter = counter + 1
  return requests[counter % #requests + 1]
end

done = report.done
