-- Numbers each wrk thread (1, 2, ...), so that the numbers a script builds never repeat
-- across threads. Loaded by the scripts with dofile; wrk runs in bench/lua/.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(tid) or 1
end
