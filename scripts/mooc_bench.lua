-- wrk script of scripts/bench_mooc.sh: every request comes from another learner of the open
-- course fixture (examples/mooc_scale.rs writes DIR/bench/).
--
--   wrk -s scripts/mooc_bench.lua URL -- get  DIR THREADS        GET the URL's path, learner after learner
--   wrk -s scripts/mooc_bench.lua URL -- page DIR THREADS SLUG   POST the quiz page's form (her next attempt)
--   wrk -s scripts/mooc_bench.lua URL -- api  DIR THREADS SLUG   PUT the answers of her next attempt (API)
--
-- THREADS is wrk's -t: each thread takes its own learners, so that no two requests of one
-- learner are in flight together. `page` takes the learners of even index and `api` those of
-- odd index, so that both can run on the same fixture. The attempts come from
-- DIR/bench/submits.txt in the order an attempt may be sent (the one in progress, then the
-- next ones up to the limit): each request is an attempt the server must accept. Once they
-- are all used the list starts again and the server answers 409, counted by wrk as non-2xx.

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local function lines(path)
  local out = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    out[#out + 1] = line
  end
  f:close()
  return out
end

local function read(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

local function with(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do
    h[k] = v
  end
  for k, v in pairs(extra) do
    h[k] = v
  end
  return h
end

function init(args)
  mode, dir, threads, slug = args[1], args[2], tonumber(args[3]), args[4]
  items, i, bodies = {}, 0, {}
  if mode == "get" then
    for n, token in ipairs(lines(dir .. "/bench/learners.txt")) do
      if (n - 1) % threads == tid then
        items[#items + 1] = token
      end
    end
    return
  end
  local parity = (mode == "page") and 0 or 1
  for _, line in ipairs(lines(dir .. "/bench/submits.txt")) do
    local k, token, quiz, number = line:match("^(%d+) (%S+) (%d+) (%d+)$")
    k = tonumber(k)
    if k % 2 == parity and math.floor(k / 2) % threads == tid then
      items[#items + 1] = { token, quiz, number }
      if not bodies[quiz] then
        bodies[quiz] = read(dir .. "/bench/quiz-" .. quiz .. ((mode == "page") and ".form" or ".json"))
      end
    end
  end
end

function request()
  -- wrk asks each thread for one request it never sends (seen in the database: the first
  -- learner's first attempt was never written, and her next one, reached later, was then
  -- refused with a 409): that one is a harmless GET, so that every attempt is sent.
  if mode ~= "get" and not primed then
    primed = true
    return wrk.format("GET", "/readyz")
  end
  i = i % #items + 1
  local it = items[i]
  if mode == "get" then
    return wrk.format(nil, nil, with({ ["Cookie"] = "tremplin_session=" .. it }))
  elseif mode == "page" then
    local body = "csrf=bench&attempt=" .. it[3] .. "&" .. bodies[it[2]]
    return wrk.format("POST", "/cours/" .. slug .. "/quiz/" .. it[2], with({
      ["Cookie"] = "tremplin_session=" .. it[1] .. "; tremplin_csrf=bench",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }), body)
  else
    return wrk.format("PUT", "/api/v1/courses/" .. slug .. "/quizzes/" .. it[2] .. "/attempts/" .. it[3], with({
      ["Cookie"] = "tremplin_session=" .. it[1],
      ["Content-Type"] = "application/json",
    }), bodies[it[2]])
  end
end
