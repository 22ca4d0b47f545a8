-- The chat of bench/bench_assistant_turns.py, for wrk: `wrk -tN -cN -s bench/assistant_turns.lua URL -- OCTET`.
--
-- One connection per wrk thread (-t equal to -c), so this thread's state is one shopper's: start a
-- conversation, send the script's messages one after another, read the transcript, start again. Every
-- conversation comes from its own client address (X-Forwarded-For OCTET.<thread>.<serial>; the server
-- trusts loopback as its proxy), so per-address rate limits apply as in production. The caller gives each
-- run its own OCTET so no two runs share an address.
--
-- Environment (read by every Lua state wrk creates, the main one included):
--   SHOPDESK_BENCH_ORDERS       a file of demo orders, "number email" per line (read once, in setup())
--   SHOPDESK_BENCH_INTERVAL_MS  paced mode: the mean time between two requests of one conversation,
--                               each gap drawn between half and one and a half of it; unset or 0 = closed
--                               loop (the next request leaves as soon as the answer arrives). wrk
--                               connects before the wait, so the server must not hand an idle
--                               connection to a worker (the driver's gunicorn defers accept)
--
-- done() prints one line per request and per thread, tab-separated, for the Python driver:
--   @sample   thread  kind  client_ms  turn_ms  model_ms   (the last two from Server-Timing, or empty)
--   @failure  thread  kind  status  start of the body       (any status outside 2xx)
--   @thread   thread  conversations_completed  requests_sent_late

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } shopdesk_bench_timespec;
int clock_gettime(int clock_id, shopdesk_bench_timespec *spec);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("shopdesk_bench_timespec")

local function now_ms()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
   return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local BASE = "/api/v1/assistant/conversations"
-- (kind, text) of one conversation: what a shopper typically writes. %s are the order number and email.
local SCRIPT = {
   { "greeting", "hi there" },
   { "order question", "where is my order?" },
   { "verify + order view", "it's %s, %s" },
   { "follow-up", "and the other package?" },
   { "general answer", "what is your return policy?" },
   { "returns", "can I return an item?" },
}
local INTERVAL_MS = tonumber(os.getenv("SHOPDESK_BENCH_INTERVAL_MS") or "0") or 0

-- Main state: hand every thread its number and the demo orders. Only flat tables of strings and
-- numbers cross between Lua states (thread:set/get copy them).
local threads = {}
local demo_orders = nil

local function read_orders()
   local path = os.getenv("SHOPDESK_BENCH_ORDERS")
   local found = {}
   local file = path and io.open(path, "r")
   if file then
      for line in file:lines() do
         if line:match("^%S+%s+%S+$") then
            found[#found + 1] = line
         end
      end
      file:close()
   end
   if #found == 0 then
      error("SHOPDESK_BENCH_ORDERS names no file of 'number email' lines")
   end
   return found
end

function setup(thread)
   demo_orders = demo_orders or read_orders()
   threads[#threads + 1] = thread
   thread:set("thread_id", #threads)
   thread:set("orders", demo_orders)
end

-- Thread state: one conversation at a time.
local ready = false
local octet, serial, step, address, number, email, conversation_id
local kind, sent_at, next_at
-- Globals, since done() reads them with thread:get(): samples, failures, completed, late.

local function json_string(text)
   return '"' .. text:gsub('[\\"]', "\\%0") .. '"'
end

local function new_conversation()
   serial = serial + 1
   address = string.format("%d.%d.%d.%d", octet, thread_id, math.floor(serial / 256) % 256, serial % 256)
   local order = orders[(serial * 7 + thread_id) % #orders + 1]
   number, email = order:match("^(%S+)%s+(%S+)$")
   step, conversation_id = 0, nil
end

function init(args)
   octet = tonumber(args[1]) or 10
   if octet < 1 or octet > 255 or thread_id > 255 then
      error("the client address is OCTET.<thread>.x.y: OCTET and the thread count must be 1-255")
   end
   math.randomseed(octet * 1000 + thread_id)
   serial, samples, failures, completed, late = 0, {}, {}, 0, 0
   new_conversation()
   ready = true
end

function request()
   if not ready then -- wrk checks the script's first request in its main state, before any init()
      return wrk.format("GET", "/healthz")
   end
   local headers = { ["X-Forwarded-For"] = address, ["Accept"] = "application/json" }
   local method, path, body
   if step == 0 then
      kind, method, path, body = "start", "POST", BASE, ""
   elseif step <= #SCRIPT then
      local text = SCRIPT[step][2]
      if text:find("%s", 1, true) then
         text = string.format(text, number, email)
      end
      kind, method, path = SCRIPT[step][1], "POST", BASE .. "/" .. conversation_id .. "/messages"
      body = '{"text": ' .. json_string(text) .. "}"
      headers["Content-Type"] = "application/json"
   else
      kind, method, path = "transcript GET", "GET", BASE .. "/" .. conversation_id
   end
   sent_at = now_ms()
   return wrk.format(method, path, headers, body)
end

local function header(headers, name)
   for key, value in pairs(headers) do
      if key:lower() == name then
         return value
      end
   end
   return nil
end

local function fail(status, body)
   local start = (body or ""):sub(1, 200):gsub("[\t\r\n]", " ")
   failures[#failures + 1] = string.format("%s\t%d\t%s", kind, status, start)
   new_conversation()
end

function response(status, headers, body)
   local elapsed = now_ms() - sent_at
   if status < 200 or status > 299 then
      return fail(status, body)
   end
   local turn, model = "", ""
   if step == 0 then
      conversation_id = (body or ""):match('"id"%s*:%s*"([^"]+)"')
      if not conversation_id then
         return fail(status, "no conversation id in: " .. (body or ""))
      end
   elseif step <= #SCRIPT then
      local timing = header(headers, "server-timing") or ""
      turn = timing:match("turn;dur=([%d.]+)") or ""
      model = timing:match("model;dur=([%d.]+)") or ""
   end
   samples[#samples + 1] = string.format("%s\t%.3f\t%s\t%s", kind, elapsed, turn, model)
   step = step + 1
   if step > #SCRIPT + 1 then
      completed = completed + 1
      new_conversation()
   end
end

if INTERVAL_MS > 0 then
   -- Paced: requests leave on a schedule of jittered gaps, not when the last answer came back. An answer
   -- that arrives after the next request was due makes that request leave at once, late (counted), and
   -- the schedule restarts from then rather than catching up with a burst.
   function delay()
      local now = now_ms()
      if next_at == nil then
         next_at = now + math.random() * INTERVAL_MS -- conversations don't start in step
      else
         next_at = next_at + INTERVAL_MS * (0.5 + math.random())
      end
      if next_at < now then
         late = late + 1
         next_at = now
      end
      return math.floor(next_at - now)
   end
end

function done(summary, latency, requests)
   local out = {}
   for _, thread in ipairs(threads) do
      local id = thread:get("thread_id")
      for _, line in ipairs(thread:get("samples") or {}) do
         out[#out + 1] = "@sample\t" .. id .. "\t" .. line
      end
      for _, line in ipairs(thread:get("failures") or {}) do
         out[#out + 1] = "@failure\t" .. id .. "\t" .. line
      end
      out[#out + 1] = string.format("@thread\t%d\t%d\t%d", id, thread:get("completed") or 0, thread:get("late") or 0)
   end
   io.write(table.concat(out, "\n"), "\n")
end
