-- Durable writes on the planned route: a hospital's staff confirm bookings, each a place booked
-- in the transaction of its confirmation. The bookings were made before the clock started
-- (joldama-bench bookings); each is confirmed once, the threads taking turns through them.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local threads = 0
setup = function(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local ids = {}
local counter, step = 0, 1
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN"),
  ["Content-Type"] = "application/json",
  ["If-Match"] = '"2"',
}

init = function()
  for line in io.lines(os.getenv("JOLDAMA_BOOKINGS")) do ids[#ids + 1] = line end
  assert(#ids > 0, "confirm.lua: no bookings in JOLDAMA_BOOKINGS")
  counter = tonumber(thread_index) or 0
  step = tonumber(os.getenv("JOLDAMA_WRK_THREADS") or "2")
end

request = function()
  -- Past the last booking the answers are 409s, which the report counts as errors.
  local id = ids[counter + 1] or ids[#ids]
  counter = counter + step
  return wrk.format("POST", "/api/v1/referrals/" .. id .. "/actions/confirm", headers, "{}")
end

done = report.done
