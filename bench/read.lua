-- Authenticated GET /api/v1/referrals/{id} over many ids (the republican level sees them all).
package.path = os.getenv("JOLDAMA_BENCH_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local token = os.getenv("JOLDAMA_TOKEN")
local count = tonumber(os.getenv("JOLDAMA_REFERRALS"))
local counter = 0
local head, tail

init = function()
  -- The request around its id, formatted once: the load generator shares the server's cores,
  -- so what it spends on each request is taken from the server.
  local sample = wrk.format("GET", "/api/v1/referrals/0", { ["Authorization"] = "Bearer " .. token })
  head, tail = sample:match("^(GET /api/v1/referrals/)0( .*)$")
  assert(head, "read.lua: unexpected request format")
end

request = function()
  counter = counter + 1
  return head .. ((counter * 7919) % count + 1) .. tail
end

done = report.done
