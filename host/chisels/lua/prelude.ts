// SPDX-License-Identifier: Apache-2.0
// Lua code run in every chisel VM before the chisel: (1) a Lua 5.1/LuaJIT compatibility layer for
// wasmoon's Lua 5.4, so sysdig's chisels run unedited and print what LuaJIT prints; (2) the
// sysdig/chisel/evt API, kept on the Lua side so the event path is one call per batch.

/** Makes Lua 5.4 behave like the LuaJIT 2.1 that sysdig links, where chisels can tell. */
export const COMPAT_PRELUDE = String.raw`
local native_format, native_tostring, native_concat = string.format, tostring, table.concat
local mtype, floor, ceil = math.type, math.floor, math.ceil

-- LuaJIT prints every number with %.14g (no "5.0", exponent past 1e14).
local function num2str(v) return native_format('%.14g', v) end
function tostring(v)
  if type(v) == 'number' then return num2str(v) end
  return native_tostring(v)
end

-- LuaJIT's string.format truncates non-integral numbers for integer conversions and knows %u.
local function toint(v)
  if type(v) == 'string' then v = tonumber(v) or v end
  if type(v) ~= 'number' then return v end
  if mtype(v) == 'integer' then return v end
  if v ~= v or v == math.huge or v == -math.huge then return 0 end
  local t = v >= 0 and floor(v) or ceil(v)
  if t >= -9.2e18 and t <= 9.2e18 then return math.tointeger(t) or 0 end
  return 0
end
function string.format(fmt, ...)
  if type(fmt) ~= 'string' or not fmt:find('%', 1, true) then return native_format(fmt, ...) end
  local args = table.pack(...)
  local out, argi, pos = {}, 0, 1
  while true do
    local s, e, spec, conv = fmt:find('%%([-+ #0]*%d*%.?%d*)([%a%%])', pos)
    if not s then break end
    out[#out + 1] = fmt:sub(pos, s - 1)
    if conv == '%' then
      out[#out + 1] = '%'
    else
      argi = argi + 1
      local v = args[argi]
      if conv == 'd' or conv == 'i' or conv == 'u' or conv == 'c' or conv == 'x' or conv == 'X' or conv == 'o' then
        v = toint(v)
        if conv == 'u' or conv == 'i' then conv = 'd' end
      elseif conv == 's' and type(v) == 'number' then
        v = num2str(v)
      elseif conv == 's' and type(v) ~= 'string' then
        v = tostring(v)
      end
      out[#out + 1] = native_format('%' .. spec .. conv, v)
    end
    pos = e + 1
  end
  out[#out + 1] = fmt:sub(pos)
  return native_concat(out)
end
string.gfind = string.gmatch

function table.concat(t, sep, i, j)
  i = i or 1
  j = j or #t
  local parts = {}
  for k = i, j do
    local v = t[k]
    if type(v) == 'number' then v = num2str(v) end
    parts[#parts + 1] = v
  end
  return native_concat(parts, sep or '')
end
table.getn = function(t) return #t end
unpack = unpack or table.unpack
loadstring = loadstring or load
math.log10 = math.log10 or function(x) return math.log(x, 10) end
math.pow = math.pow or function(a, b) return a ^ b end
math.mod = math.mod or math.fmod
math.ldexp = math.ldexp or function(m, e) return m * 2.0 ^ e end
math.frexp = math.frexp or function(x)
  if x == 0 then return 0.0, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 end
  return m, e
end

-- Output goes to a buffer the host drains as bytes after each call.
__q_out = {}
function print(...)
  local n = select('#', ...)
  local parts = {}
  for k = 1, n do parts[k] = tostring((select(k, ...))) end
  __q_out[#__q_out + 1] = native_concat(parts, '\t')
  __q_out[#__q_out + 1] = '\n'
end
local stdout_proxy = {}
function stdout_proxy:write(...)
  for k = 1, select('#', ...) do
    local v = select(k, ...)
    if type(v) == 'number' then v = num2str(v) end
    __q_out[#__q_out + 1] = v
  end
  return self
end
function stdout_proxy:flush() return self end
function stdout_proxy:setvbuf() return true end
function io.write(...) return stdout_proxy:write(...) end
io.stdout = stdout_proxy
function __q_tmp_get_() return __q_tmp end
function __q_drain()
  local s = native_concat(__q_out)
  __q_out = {}
  return s
end

-- No processes from a chisel: sysdig's chisels only use these for optional extras.
os.execute = function() return nil end
io.popen = function() return nil, 'io.popen is not available in quarry chisels' end
os.exit = function() error('__q_exit__', 0) end
`;

/** The sysdig, chisel and evt tables. State the host reads back lives in __q. */
export const API_PRELUDE = String.raw`
local unpack_ = string.unpack
__q = { fields = {}, index = {}, interval = 0, precise = 0, end_capture = false, started = false,
        first = true, last_sample = 0, last_ts = 0, formatter_out = nil }
local Q = __q
__q_env = __q_env or {}

chisel = {}
function chisel.request_field(name)
  if type(name) ~= 'string' then error('chisel requesting nil field', 2) end
  local h = Q.index[name]
  if h == nil then
    if Q.started then error('chisel requesting field ' .. name .. ' after the capture started', 2) end
    h = #Q.fields + 1
    Q.fields[h] = name
    Q.index[name] = h
  end
  return h
end
function chisel.set_filter(f) Q.filter = tostring(f) end
function chisel.set_event_formatter(f) Q.formatter = tostring(f) end
function chisel.set_interval_ns(n) Q.interval = math.tointeger(n) or math.floor(n) end
function chisel.set_interval_s(n) Q.interval = (math.tointeger(n) or math.floor(n)) * 1000000000 end
function chisel.set_precise_interval_ns(n) Q.precise = math.tointeger(n) or math.floor(n) end
function chisel.exec(name, ...) Q.exec = { name = name, args = { ... } } end

sysdig = {}
function sysdig.set_filter(f) Q.global_filter = tostring(f) end
function sysdig.get_filter() return Q.global_filter or __q_env.filter or '' end
function sysdig.set_snaplen(n) Q.snaplen = n end
local buffer_formats = { normal = 1, json = 1, simple = 1, hex = 1, hexascii = 1, ascii = 1, base64 = 1, jsonbase64 = 1 }
function sysdig.set_output_format(f)
  if not buffer_formats[f] then error('invalid set_output_format value in chisel ' .. __q_env.name, 2) end
  Q.output_format = f
end
function sysdig.set_fatfile_dump_mode(b) Q.fatfile = b and true or false end
function sysdig.is_live() return __q_env.live == true end
function sysdig.is_tty() return __q_env.tty == true end
function sysdig.get_terminal_info() return { width = __q_env.width or -1, height = __q_env.height or -1 } end
function sysdig.is_print_container_data() return __q_env.print_container == true end
function sysdig.get_output_format() return __q_env.json and 'json' or 'normal' end
function sysdig.get_evtsource_name() return __q_env.source or '' end
function sysdig.get_firstevent_ts() return __q_env.first_ts or '0' end
function sysdig.get_lastevent_ts() return __q_env.last_ts or '0' end
function sysdig.get_machine_info()
  if __q_env.machine == nil then error('get_machine_info can only be called from the on_capture_start callback', 2) end
  return __q_env.machine
end
local function tt(filter, fds)
  local t = __q_env.threads and __q_env.threads[filter or '']
  if t == nil then error('sysdig.get_thread_table is only available in on_capture_end (filter: ' .. tostring(filter) .. ')', 3) end
  if fds then return t end
  local copy = {}
  for tid, th in pairs(t) do
    local c = {}
    for k, v in pairs(th) do if k ~= 'fdtable' then c[k] = v end end
    copy[tid] = c
  end
  return copy
end
function sysdig.get_thread_table(f) return tt(f, true) end
function sysdig.get_thread_table_nofds(f) return tt(f, false) end
function sysdig.get_thread_table_barebone(f) return tt(f, true) end
function sysdig.get_thread_table_barebone_nofds(f) return tt(f, false) end
function sysdig.get_container_table() return __q_env.containers or {} end
function sysdig.get_read_progress() return __q_env.progress or 0 end
-- sysdig's timestamps are decimal strings; Lua 5.4 integers are exact 64-bit, so use them.
function sysdig.make_ts(s, ns) return string.format('%d', (math.tointeger(s) or 0) * 1000000000 + (math.tointeger(ns) or 0)) end
function sysdig.add_ts(a, b) return string.format('%d', math.tointeger(tonumber(a)) + math.tointeger(tonumber(b))) end
function sysdig.subtract_ts(a, b) return string.format('%d', math.tointeger(tonumber(a)) - math.tointeger(tonumber(b))) end
function sysdig.run_app(args) Q.run_app = tostring(args) end
function sysdig.end_capture() Q.end_capture = true end
function sysdig.log(msg, sev) __q_log[#__q_log + 1] = (sev or 'info') .. '\0' .. tostring(msg) end
__q_log = {}
function sysdig.udp_setpeername() return true end
function sysdig.udp_send() return true end

-- The current event: host-packed values, handle = index in Q.fields.
local cur, cur_num, cur_ts, cur_type, cur_cpu = {}, 0, 0, '', 0
evt = {}
function evt.field(h) if h == nil then return nil end return cur[h] end
function evt.get_num() return cur_num end
function evt.get_ts() return cur_ts // 1000000000, cur_ts % 1000000000 end
function evt.get_type() return cur_type end
function evt.get_cpuid() return cur_cpu end

local function read_value(b, pos)
  local tag = b:byte(pos)
  pos = pos + 1
  if tag == 0 then return nil, pos
  elseif tag == 1 then return false, pos
  elseif tag == 2 then return true, pos
  elseif tag == 3 then return unpack_('<j', b, pos)
  elseif tag == 4 then return unpack_('<d', b, pos)
  else return unpack_('<s4', b, pos) end
end

local function interval_tick(ts)
  if Q.first then
    Q.first = false
    if Q.interval ~= 0 then Q.last_sample = ts - ts % Q.interval
    elseif Q.precise ~= 0 then Q.last_sample = ts end
    return
  end
  if Q.interval ~= 0 then
    local sample = ts - ts % Q.interval
    if sample ~= Q.last_sample then
      local delta = 0
      if Q.last_ts ~= 0 then
        delta = ts - Q.last_ts
        if delta == 0 then return end
      end
      local ok, r = pcall(on_interval, ts // 1000000000, ts % 1000000000, delta)
      if not ok then error('\1calling on_interval() failed:' .. tostring(r), 0) end
      if not r then error('\2', 0) end
      Q.last_sample = sample
      Q.last_ts = ts
    end
  elseif Q.precise ~= 0 then
    local iv = Q.precise
    if ts - Q.last_sample >= iv then
      local t = Q.last_sample
      while t <= ts - iv do
        local ok, r = pcall(on_interval, t // 1000000000, t % 1000000000, iv)
        if not ok then error('\1calling on_interval() failed:' .. tostring(r), 0) end
        if not r then error('\2', 0) end
        t = t + iv
      end
      Q.last_sample = t
    end
  end
end

-- One batch of rows. Kind 1: an event's values (every event, when on_interval is on: the interval
-- check sees it, and it becomes the current event); kind 2: the current event passed the chisel's
-- filter (then the formatter line, if any); kind 3: kind 1 and 2 at once (no interval).
-- Returns 'E' when the chisel ended the capture, else 'C'.
function __q_events(b)
  local pos, n = 1, #b
  local nf = #Q.fields
  local has_fmt = Q.formatter ~= nil
  local handler = on_event
  while pos <= n do
    local kind = b:byte(pos)
    pos = pos + 1
    if kind ~= 2 then
      cur_num, cur_ts, cur_cpu, cur_type, pos = unpack_('<jjjs4', b, pos)
      for k = 1, nf do cur[k], pos = read_value(b, pos) end
      if kind == 1 then interval_tick(cur_ts) end
    end
    if kind ~= 1 then
      local line
      if has_fmt then line, pos = read_value(b, pos) end
      local show = true
      if handler then show = handler() end
      if Q.end_capture then return 'E' end
      if show and line ~= nil then
        __q_out[#__q_out + 1] = line
        __q_out[#__q_out + 1] = '\n'
      end
    end
  end
  return 'C'
end
`;
