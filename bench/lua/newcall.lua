-- POST /apikey/newcall, form-encoded as PHP sends it, a new number every time.
dofile("threads.lua")  -- sets thread_id
local n = 0

request = function()
  n = n + 1
  local body = string.format(
    "id=0&name=User1&phone=89%02d%07d&UUID=code1&var1=data1&timestart=10:00&timestop=19:00",
    thread_id, n % 10000000)
  return wrk.format("POST", "/apikey/newcall",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
