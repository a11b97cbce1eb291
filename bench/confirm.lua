-- Durable writes on the planned route: a hospital's staff confirm bookings, each a place booked
-- in the transaction of its confirmation. The bookings were made before the clock started
-- (joldama-bench bookings, a referral's id a line); each is confirmed once.
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local turns = require("turns")

setup = turns.setup

local next_booking
local last
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("JOLDAMA_TOKEN"),
  ["Content-Type"] = "application/json",
  ["If-Match"] = '"2"',
}

init = function()
  next_booking = turns.lines(os.getenv("JOLDAMA_BOOKINGS"), "confirm.lua")
end

request = function()
  -- Past the last booking the answers are 409s, which the report counts as errors.
  last = next_booking() or last
  return wrk.format("POST", "/api/v1/referrals/" .. last .. "/actions/confirm", headers, "{}")
end

done = report.done
