-- wrk script for bench/http_bench.sh: POST /v1/tenants/{tenant}/ask, rotating
-- through questions, askers and subjects so that no single cached path is
-- measured. WHYD_TENANT and WHYD_KEY come from the environment. Every pairing
-- below is one the asker may see, so each answer should be a 200.
local tenant = os.getenv("WHYD_TENANT") or "demo"
local key = os.getenv("WHYD_KEY") or ""
local path = "/v1/tenants/" .. tenant .. "/ask"
local headers = {
  ["Authorization"] = "Bearer " .. key,
  ["Content-Type"] = "application/json",
}

local questions = {
  "why can't jamie log in?",
  "why is the account locked?",
  "the activation email never arrived",
  "I cannot sign in since this morning",
  "why can't I log in after changing my password",
  "account locked after too many attempts",
}
-- {asker, subject or false}
local pairs_ = {
  {"u-1", false}, {"u-2", "u-1"}, {"u-3", "u-4"}, {"u-3", "u-2"}, {"u-4", false}, {"u-3", "u-1"},
}
if os.getenv("WHYD_USERS") == "demo" then
  -- The demo cast (examples/README.md): admins, an employer and learners.
  pairs_ = {
    {"u-jamie", false}, {"u-adam", "u-jamie"}, {"u-adam", "u-liam"}, {"u-sara", "u-pete"},
    {"u-mark", "u-jamie"}, {"u-adam", "u-mia"}, {"u-sara", "u-lola"}, {"u-adam", "u-priya"},
  }
end

local bodies = {}
for qi, q in ipairs(questions) do
  for pi, p in ipairs(pairs_) do
    local body = '{"asker":"' .. p[1] .. '","question":"' .. q .. '"'
    if p[2] then body = body .. ',"subject":{"user":"' .. p[2] .. '"}' end
    bodies[#bodies + 1] = body .. "}"
  end
end

local counter = 0
local non200 = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id * 7  -- threads start at different points of the rotation
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, headers, bodies[(counter % #bodies) + 1])
end

function response(status, headers_, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local non200_total = 0
  for _, t in ipairs(threads) do non200_total = non200_total + (t:get("non200") or 0) end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_us=%d p99_us=%d max_us=%d non200=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), latency.max, non200_total, e.connect, e.read, e.write, e.timeout))
end
