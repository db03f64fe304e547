-- wrk script for signed calls: POSTs the hook request (the file named by BODY) with a CDS client JWT from the pool
-- named by TOKENS (one ES384 token a line, each with its own jti, minted by bench/Cds.JwtPool). Each of the THREADS
-- wrk threads takes its own slice of the pool (lines id, id + THREADS, ...), so no token is ever sent twice. When a
-- thread's slice runs out it sends the request without a token (answered 401, a status error) and counts it as
-- "exhausted": the report refuses a run with any. With CYCLE=1 (the baseline, which checks no token) a thread's slice is
-- sent round and round instead, so the load generator does the same work per request for both servers.
-- Prints one JSON line like post.lua, plus tokens used / exhausted.
local body_path = os.getenv("BODY")
local file = assert(io.open(body_path, "rb"), "BODY must name a readable file")
local body = file:read("*a")
file:close()

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(os.getenv("THREADS"))
  tokens = {}
  local i = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if i % count == id and #line > 0 then
      tokens[#tokens + 1] = line
    end
    i = i + 1
  end
  used = 0
  exhausted = 0
  cycle = os.getenv("CYCLE") == "1"
end

function request()
  used = used + 1
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  local token = tokens[used]
  if not token and cycle and #tokens > 0 then
    token = tokens[((used - 1) % #tokens) + 1]
  end
  if token then
    headers["Authorization"] = "Bearer " .. token
  else
    exhausted = exhausted + 1
  end
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local sent, short = 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("used") or 0)
    short = short + (thread:get("exhausted") or 0)
  end
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.2f,"bytes":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"tokens_used":%d,"tokens_exhausted":%d}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, sent, short))
end
