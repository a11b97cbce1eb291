-- Shared by the wrk scripts that use each prepared item once: the threads (each a Lua state of
-- its own) take turns through a list, thread k taking items k, k + T, k + 2T, …
local M = {}

local threads = 0

-- wrk's setup(): numbers the threads.
function M.setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

-- In a thread's init(): the lines of `path`, and a function giving this thread's next one
-- (nil once they are used up).
function M.lines(path, name)
  local items = {}
  for line in io.lines(path) do items[#items + 1] = line end
  assert(#items > 0, name .. ": no lines in " .. path)
  local at = tonumber(thread_index) or 0
  local step = tonumber(os.getenv("JOLDAMA_WRK_THREADS") or "2")
  return function()
    local item = items[at + 1]
    at = at + step
    return item
  end
end

return M
