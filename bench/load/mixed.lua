-- wrk script: sends the requests of a file (one a line: METHOD PATH [JSON BODY], as
-- written by bench/load/make_requests.py) round-robin from a per-thread offset, each with
-- the bearer token of FC_TOKEN, and prints throughput, errors and p50/p99/p99.9 at the end.
--   FC_TOKEN=... FC_REQUESTS=mixed.txt wrk -t2 -c500 -d60s -s bench/load/mixed.lua URL
--   FC_THINK_MS=N: each connection waits a random 0..2N ms (mean N) before each request,
--   as a user thinks between requests; unset, connections send back to back.
local token = os.getenv("FC_TOKEN") or ""
local think = tonumber(os.getenv("FC_THINK_MS") or "0")
local path = os.getenv("FC_REQUESTS") or "mixed.txt"
local reqs = {}
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("offset", counter * 7919)
   table.insert(threads, thread)
end

function init(args)
   local f = assert(io.open(path, "r"))
   for line in f:lines() do
      local method, target, body = line:match("^(%S+)%s+(%S+)%s*(.*)$")
      if method then
         local headers = {
            ["Authorization"] = "Bearer " .. token,
            ["X-Purpose"] = "load test",
            ["Content-Type"] = "application/json",
         }
         if body == "" then body = nil end
         reqs[#reqs + 1] = wrk.format(method, target, headers, body)
      end
   end
   f:close()
   i = offset or 0
end

if think > 0 then
   function delay()
      return math.random(0, 2 * think)
   end
end

function request()
   i = i + 1
   return reqs[(i % #reqs) + 1]
end

function done(summary, latency, requests)
   local s = summary.duration / 1e6
   local e = summary.errors
   local bad = e.connect + e.read + e.write + e.timeout + e.status
   io.write(string.format(
      "requests=%d duration=%.1fs throughput=%.1f/s errors=%d (connect %d, read %d, write %d, " ..
      "timeout %d, non-2xx/3xx %d) p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p99.9_ms=%.2f max_ms=%.2f\n",
      summary.requests, s, summary.requests / s, bad, e.connect, e.read, e.write, e.timeout,
      e.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
