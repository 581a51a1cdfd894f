-- Numbers each wrk thread, so that the numbers a script builds never repeat across threads,
-- nor across the runs of one server: WRK_RUN (0 for the warm-up, 1 for the measured run)
-- gives each run thread numbers of its own (1-9, then 11-19). Loaded by the scripts with
-- dofile; wrk runs in bench/lua/.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = (tonumber(os.getenv("WRK_RUN")) or 0) * 10 + (tonumber(tid) or 1)
end
