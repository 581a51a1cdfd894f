-- POST /apikey/make with a 1000-row batch whose numbers never repeat (so every row is
-- inserted, not skipped as a duplicate): each thread numbers its own batches.
dofile("threads.lua")  -- sets thread_id
local batch = 0

request = function()
  batch = batch + 1
  local rows = {}
  for i = 1, 1000 do
    rows[i] = string.format(
      '{"id":"%d","name":"Петров","phone":"8%02d%04d%04d","UUID":"code1","var1":"data1",' ..
      '"var2":"data2","var3":"data3","statdialertime":"10:00:00","stopdialertime":"19:00:00",' ..
      '"maxcount":"1","generationtype":"1"}', i, thread_id, batch % 10000, i)
  end
  local body = '{"query":{"access_token":"client-key","data":[' .. table.concat(rows, ",") .. ']}}'
  return wrk.format("POST", "/apikey/make", {["Content-Type"] = "application/json"}, body)
end
