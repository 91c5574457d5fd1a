--[[
share.lua - admission to venue rate limits shared by several gateways.

Several xgated processes that send to one venue from one egress (an IP, an
API key) share that venue's limits. Each keeps its local limiter
(core/prim/limiter_instance.c) for the buckets only it uses; the shared
buckets are counted here, in Redis, by this one script: loaded once
(SCRIPT LOAD) and called with EVALSHA, so every decision is one atomic
step that no other gateway can interleave with. The C side is
core/share.c; this header is the protocol both sides follow.

Redis. Written for the Lua 5.1 that Redis 7 embeds: numbers are doubles
(every value here is an integer well below 2^53, so exact), integers
return as RESP integers, text as bulk strings. The time is Redis's own
(TIME, in ms) so that all gateways read one clock; Redis 7 replicates a
script's effects rather than the script, so reading TIME before writing is
allowed. The script touches only the keys it is given in KEYS: under Redis
Cluster all keys of one call must hash to one slot, which the C side
ensures by giving all keys of a venue and egress one hash tag
("{xg:binance:1.2.3.4}:meta" and so on). Arguments are checked before
anything is written, and a malformed call (wrong count, a value that is not
a plain integer, an unknown op) answers the error reply "xg: bad
arguments: ...", never a Lua error: Redis does not roll a script back, so
nothing may be half done.

Times. now = Redis TIME in ms. Every call that needs the venue's clock
passes offset_ms, the venue's clock minus Redis's as the calling gateway
estimates it, and vnow = now + offset_ms is "now" on the venue's axis.
Clock-anchored windows are aligned on that axis (the venue's windows are
what count); every time returned is Redis ms (venue time - offset_ms),
which the caller converts to its own clock.

Keys (KEYS[1] is always the venue+egress meta hash, KEYS[2..n+1] the
buckets in descriptor order; one key may appear only once per call):
  meta     hash {ban_until (Redis ms), ban_reason, ban_gateway, seq}; no
           expiry, it is small and the ban must outlive everything.
  fixed    hash {start, used, next}: start of the window the count belongs
           to (venue ms), its count, and for a CLOCK window the count
           already charged to its successor (start + window_ms). Expires
           when the last window it holds stops applying (+ guard + slack).
  sliding  sorted set of entries "<id>:<units>", score = the Redis ms at
           which the entry stops counting; <id> is a lease id
           ("<gateway>:<seq>"), "obs:<seq>" or "seed:<seq>". Expires with
           its last entry (+ slack).
  token    hash {level, last_ms (Redis ms), carry}: units available at
           last_ms and the fraction of a unit refilled beyond them (in
           units * ms, as the local limiter keeps it, so that many small
           refills add up to exactly what one large one gives). A missing
           key is a full bucket. Expires when the bucket would be full
           again (+ slack).

Bucket descriptor: 7 ARGV values
  kind (1 fixed, 2 sliding, 3 token), anchor (0 clock, 1 first use; fixed
  only, but must be 0 or 1), limit (> 0), window_ms (> 0; a token bucket's
  time to refill `limit` from empty), guard_ms (>= 0, the bound on the
  caller's clock error), amount (>= 0), extra; amount and extra are what
  each op says.

How a bucket counts (the local limiter's rules, on the axes above):
  fixed CLOCK      window k is [k*window_ms, (k+1)*window_ms) of vnow. A
                   request at vnow may land anywhere in [vnow - guard,
                   vnow + guard] on the venue's clock, so it is charged to
                   every window that interval touches (at most two: guard
                   is clamped below half a window, as locally) and admitted
                   only if it fits in each; a window's count therefore
                   applies until its successor's start + guard. This
                   mirrors xg_fixed_window exactly, including its two
                   counts (used, next) and the clamp of a caller whose
                   clock is behind the stored window to that window.
  fixed FIRST_USE  a window starts at the first charge after the previous
                   one ended (start = that vnow) and counts until start +
                   window_ms + guard_ms.
  sliding          used = the units of the entries whose score > now
                   (expired ones are removed first); an entry counts for
                   window_ms + guard_ms after the time its units may be
                   sent.
  token            level refills by limit units per window_ms, continuously
                   (floored, the remainder carried), up to limit; it has no
                   boundary, so no guard.

Ops (ARGV[1]):

take  KEYS {meta, bucket...}
      ARGV {"take", gateway_name, offset_ms, max_extra, hold_ms,
            descriptors with amount = cost, extra = keep}
  1. A ban in force (meta.ban_until > now):
     {2, ban_until, ban_reason, ban_gateway, now}.
  2. A cost larger than limit - keep can never fit: {3, now}. This wins
     over waiting, as XG_ERR_OVERFLOW does locally.
  3. free_i = limit - keep - used_i, with used_i counted as the local
     limiter would at vnow. If some cost_i > free_i (cost 0 never
     refuses): {1, earliest, now}, earliest being the latest over the
     refusing buckets of when cost_i would fit: fixed, when the window(s)
     holding the count stop applying; sliding, when enough entries have
     expired (walking them by score); token, when refill covers it.
     Nothing is charged: all buckets or none.
  4. Lease: the caller may send up to max_extra more requests of the same
     costs under this one admission, which saves a round trip per request
     when the venue is far from its limits. m = 0 unless every bucket with
     cost_i > 0 has used_i + cost_i <= limit / 2; then m_i =
     floor((free_i - cost_i) / (2 cost_i)), so a lease takes at most half
     of what is free beyond this request and others still get the rest,
     and m = min(max_extra, min_i m_i). Buckets of cost 0 do not constrain.
  5. Every bucket with cost_i > 0 is charged units_i = cost_i * (1 + m):
     fixed as the local take; sliding with the entry "<lease_id>:<units_i>"
     at now + hold_ms + window_ms + guard_ms (hold_ms: the lease's requests
     may be sent until now + hold_ms); token, level -= units_i.
  6. lease_id = gateway_name .. ":" .. HINCRBY(meta, "seq", 1).
  7. valid_until (Redis ms): the lease's requests must be sent before it;
     the minimum over the charged buckets of: fixed CLOCK, the end of the
     later window charged minus guard (venue ms, then - offset_ms: after
     it a request could land in a window not charged); fixed FIRST_USE,
     start + window_ms - guard_ms likewise, but not before now; sliding,
     now + hold_ms; token, now + 3600000 (also when nothing is charged).
  {0, 1 + m, now, valid_until, lease_id, win_1, ..., win_n}: win_i is the
  fixed window's start (venue ms) the units were charged to (for a CLOCK
  request charged to two windows, the later one), else 0.

give  KEYS {meta, bucket...}
      ARGV {"give", offset_ms, lease_id, descriptors with amount = units
            to give back, extra = win_i from take}
  Returns a lease's unsent units. fixed: if the bucket's window start is
  still win_i, count -= min(units, count); a CLOCK take charged to two
  windows returns win_i = the later one, so while the earlier one is still
  current (start + window_ms == win_i) both counts are lowered. Once the
  window moved on nothing is returned (the units are gone with it).
  sliding: the entry "<lease_id>:<u>" becomes "<lease_id>:<u - units>" at
  the same score, or is removed at 0. token: level = min(limit, level +
  units). {0, now}.

observe  KEYS {meta, bucket...}
      ARGV {"observe", offset_ms, descriptors with amount = used as the
            venue reports it (< 0: not reported), extra = reset_ms (ms
            until the venue's window ends, <= 0 unknown)}
  fixed: raise the current window's count to used, never lower it (within
  guard of a boundary the older window's, as locally). sliding: if used
  exceeds the current sum, add "obs:<seq>:<used - sum>" that counts until
  now + (reset_ms > 0 ? reset_ms : window_ms) + guard_ms (units spent at
  unknown times, so counted as late as they could be). token: level =
  min(level, max(0, limit - used)). {0, now}.

seed  KEYS {meta, bucket...}
      ARGV {"seed", offset_ms, descriptors with amount = units, extra
            ignored (0)}
  A gateway re-adds the units it sent recently after Redis came back
  empty. fixed: charged as a take is; sliding: "seed:<seq>:<units>" until
  now + window_ms + guard_ms; token: level -= units, not below 0. {0, now}.

ban   KEYS {meta}
      ARGV {"ban", gateway_name, until_ms (Redis ms), reason, channel, venue}
  If until_ms is later than the ban in force (or there is none), record it
  and PUBLISH to channel venue .. "\t" .. until_ms .. "\t" .. gateway_name
  .. "\t" .. reason, then {1, now}; otherwise {0, now}: an earlier-ending
  ban never shortens one. Tabs and line breaks in reason become spaces
  (a venue's message must not stop a ban from being shared); the gateway
  name and venue may not contain them.

status  KEYS {meta}  ARGV {"status"}
  {ban_until or 0, ban_reason or "", ban_gateway or "", now}; ban_until may
  be in the past.
--]]

-- Keys outlive what they hold by this much, so that a gateway whose clock
-- estimate differs a little from the one that wrote them still finds them.
local SLACK_MS = 1000
-- A token bucket has no window end; a lease on it is bounded by the other
-- buckets or by this.
local TOKEN_LEASE_MS = 3600000

local FIXED, SLIDING, TOKEN = 1, 2, 3
local CLOCK, FIRST_USE = 0, 1

-- --- arguments -------------------------------------------------------------

-- Raised (and caught in parse) for a malformed call: a table, so it cannot
-- be mistaken for an error of the script itself.
local function bad(msg)
    error({xg_bad = msg}, 0)
end

-- ARGV[i] as an integer. Only plain decimal digits are accepted: Lua's
-- tonumber also reads "inf", "nan", "0x10" and "1e3".
local function int_arg(i, what)
    local s = ARGV[i]
    if type(s) ~= 'string' or #s > 17 or not string.match(s, '^%-?%d+$') then
        bad(what .. ' must be an integer (ARGV[' .. i .. '])')
    end
    local n = tonumber(s)
    if n > 2 ^ 53 or n < -2 ^ 53 then
        bad(what .. ' out of range (ARGV[' .. i .. '])')
    end
    return n
end

local function name_arg(i, what)
    local s = ARGV[i]
    if type(s) ~= 'string' or s == '' or string.find(s, '[\t\r\n]') then
        bad(what .. ' must be non-empty without tabs or line breaks (ARGV['
            .. i .. '])')
    end
    return s
end

-- The descriptors from ARGV[first] on, one per KEYS[2..].
local function descriptors(first, extra_min)
    local rest = #ARGV - first + 1
    if rest < 0 or rest % 7 ~= 0 then
        bad('bucket descriptors are 7 values each')
    end
    local n = rest / 7
    if #KEYS ~= n + 1 then
        bad(#KEYS .. ' keys for ' .. n .. ' buckets (want meta + 1 per bucket)')
    end
    local seen = {[KEYS[1]] = true}
    local list = {}
    for i = 1, n do
        local a = first + (i - 1) * 7
        local d = {
            key = KEYS[i + 1],
            kind = int_arg(a, 'kind'),
            anchor = int_arg(a + 1, 'anchor'),
            limit = int_arg(a + 2, 'limit'),
            window = int_arg(a + 3, 'window_ms'),
            guard = int_arg(a + 4, 'guard_ms'),
            amount = int_arg(a + 5, 'amount'),
            extra = int_arg(a + 6, 'extra'),
        }
        if d.kind < FIXED or d.kind > TOKEN then
            bad('kind must be 1, 2 or 3 (ARGV[' .. a .. '])')
        end
        if d.anchor ~= CLOCK and d.anchor ~= FIRST_USE then
            bad('anchor must be 0 or 1 (ARGV[' .. (a + 1) .. '])')
        end
        if d.limit < 1 or d.window < 1 or d.guard < 0 or d.amount < 0 then
            bad('limit and window_ms must be > 0, guard_ms and amount >= 0'
                .. ' (bucket ' .. i .. ')')
        end
        if extra_min ~= nil and d.extra < extra_min then
            bad('extra must be >= ' .. extra_min .. ' (bucket ' .. i .. ')')
        end
        -- As xg_fixed_window_init: a CLOCK request then touches at most
        -- two windows.
        if d.kind == FIXED and d.anchor == CLOCK and
            d.guard > math.floor((d.window - 1) / 2) then
            d.guard = math.floor((d.window - 1) / 2)
        end
        if seen[d.key] then
            bad('key ' .. d.key .. ' given twice')
        end
        seen[d.key] = true
        list[i] = d
    end
    return list
end

local parsers = {}

parsers.take = function()
    local r = {
        gateway = name_arg(2, 'gateway_name'),
        offset = int_arg(3, 'offset_ms'),
        max_extra = int_arg(4, 'max_extra'),
        hold = int_arg(5, 'hold_ms'),
    }
    if r.max_extra < 0 or r.hold < 0 then
        bad('max_extra and hold_ms must be >= 0')
    end
    r.buckets = descriptors(6, 0)
    return r
end

parsers.give = function()
    local r = {offset = int_arg(2, 'offset_ms'), lease = ARGV[3]}
    if type(r.lease) ~= 'string' or r.lease == '' then
        bad('lease_id must be non-empty (ARGV[3])')
    end
    r.buckets = descriptors(4, nil)
    return r
end

parsers.observe = function()
    return {offset = int_arg(2, 'offset_ms'), buckets = descriptors(3, nil)}
end

parsers.seed = function()
    return {offset = int_arg(2, 'offset_ms'), buckets = descriptors(3, nil)}
end

parsers.ban = function()
    if #ARGV ~= 6 or #KEYS ~= 1 then
        bad('ban takes 1 key and 6 arguments')
    end
    local r = {
        gateway = name_arg(2, 'gateway_name'),
        ['until'] = int_arg(3, 'until_ms'),
        reason = string.gsub(ARGV[4], '[\t\r\n]', ' '),
        channel = ARGV[5],
        venue = name_arg(6, 'venue'),
    }
    if r.channel == '' then
        bad('channel must be non-empty (ARGV[5])')
    end
    return r
end

parsers.status = function()
    if #ARGV ~= 1 or #KEYS ~= 1 then
        bad('status takes 1 key and 1 argument')
    end
    return {}
end

-- --- arithmetic --------------------------------------------------------------

-- floor(a / b) for integers a and b > 0, exact even where the double
-- quotient rounds across an integer.
local function idiv(a, b)
    local q = math.floor(a / b)
    local r = a - q * b
    if r < 0 then
        q = q - 1
    elseif r >= b then
        q = q + 1
    end
    return q
end

local function floor_to(a, b)
    return idiv(a, b) * b
end

-- An integer as Redis should read it (tostring would use %.14g).
local function fmt(n)
    return string.format('%d', n)
end

local function redis_now()
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- --- fixed window (times on the venue axis) --------------------------------

local function fixed_load(d)
    local v = redis.call('HMGET', d.key, 'start', 'used', 'next')
    d.start = tonumber(v[1]) -- nil: no window held
    d.used = tonumber(v[2]) or 0
    d.next = tonumber(v[3]) or 0
end

local function fixed_active(d, vnow)
    return d.start ~= nil and vnow < d.start + d.window + d.guard
end

-- The CLOCK windows a request at vnow may land in (lo <= hi, equal away
-- from a boundary). A caller whose clock is behind the stored window is
-- clamped to it, as the local limiter clamps a clock that stepped back.
local function fixed_span(d, vnow)
    local lo = floor_to(vnow - d.guard, d.window)
    local hi = floor_to(vnow + d.guard, d.window)
    if d.start ~= nil and lo < d.start then
        lo = d.start
        if hi < lo then
            hi = lo
        end
    end
    return lo, hi
end

local function fixed_count(d, s)
    if d.start == nil then
        return 0
    elseif s == d.start then
        return d.used
    elseif s == d.start + d.window then
        return d.next
    end
    return 0
end

local function fixed_used(d, vnow)
    if d.anchor == FIRST_USE then
        return fixed_active(d, vnow) and d.used or 0
    end
    local lo, hi = fixed_span(d, vnow)
    return math.max(fixed_count(d, lo), fixed_count(d, hi))
end

-- Venue time at which cost fits under cap (it does not fit now).
local function fixed_earliest(d, cost, cap, vnow)
    if d.anchor == FIRST_USE then
        return d.start + d.window + d.guard
    end
    local lo, hi = fixed_span(d, vnow)
    -- The later blocking window decides; each applies until guard after
    -- its end.
    if hi ~= lo and fixed_count(d, hi) > cap - cost then
        return hi + d.window + d.guard
    end
    return lo + d.window + d.guard
end

-- Move the two counts so that start == lo (lo >= start, see fixed_span).
local function fixed_advance(d, lo)
    if d.start == lo then
        return
    end
    if d.start ~= nil and d.start + d.window == lo then
        d.used = d.next
    else
        d.used = 0
    end
    d.next = 0
    d.start = lo
end

-- Charge units as xg_fixed_window_take does; returns the window start to
-- report (win_i) and the venue time until which a request is covered.
local function fixed_charge(d, units, vnow)
    if d.anchor == FIRST_USE then
        if not fixed_active(d, vnow) then
            d.start = vnow
            d.used = 0
        end
        d.used = d.used + units
        return d.start, d.start + d.window - d.guard
    end
    local lo, hi = fixed_span(d, vnow)
    fixed_advance(d, lo)
    d.used = d.used + units
    if hi ~= lo then
        d.next = d.next + units
    end
    return hi, hi + d.window - d.guard
end

local function fixed_save(d, vnow)
    local last_end = d.start + d.window
    if d.anchor == CLOCK and d.next > 0 then
        last_end = last_end + d.window
    end
    local ttl = math.max(last_end + d.guard - vnow, 0) + SLACK_MS
    redis.call('HSET', d.key, 'start', fmt(d.start), 'used', fmt(d.used),
        'next', fmt(d.next))
    redis.call('PEXPIRE', d.key, fmt(ttl))
end

-- --- sliding window (times on Redis's axis) --------------------------------

local function entry_units(member)
    return tonumber(string.match(member, ':(%d+)$')) or 0
end

-- Drops expired entries and reads the rest, ordered by expiry.
local function sliding_load(d, now)
    redis.call('ZREMRANGEBYSCORE', d.key, '-inf', fmt(now))
    local v = redis.call('ZRANGE', d.key, 0, -1, 'WITHSCORES')
    d.entries = {}
    d.used = 0
    for i = 1, #v, 2 do
        local e = {member = v[i], score = tonumber(v[i + 1]),
            units = entry_units(v[i])}
        d.entries[#d.entries + 1] = e
        d.used = d.used + e.units
    end
end

local function sliding_earliest(d, cost, cap)
    local need = d.used - (cap - cost) -- units that must expire first
    local freed = 0
    for _, e in ipairs(d.entries) do
        freed = freed + e.units
        if freed >= need then
            return e.score
        end
    end
    return nil -- unreachable while cost <= cap
end

local function sliding_add(d, member, score, now)
    redis.call('ZADD', d.key, fmt(score), member)
    local last = redis.call('ZRANGE', d.key, -1, -1, 'WITHSCORES')
    local ttl = math.max(tonumber(last[2]) - now, 0) + SLACK_MS
    redis.call('PEXPIRE', d.key, fmt(ttl))
end

-- --- token bucket (times on Redis's axis) ----------------------------------

-- Level and carry refilled to now, as tb_refill does.
local function token_load(d, now)
    local v = redis.call('HMGET', d.key, 'level', 'last_ms', 'carry')
    d.level = tonumber(v[1])
    if d.level == nil then
        d.level, d.last, d.carry = d.limit, now, 0
        return
    end
    d.last = tonumber(v[2]) or now
    d.carry = tonumber(v[3]) or 0
    if d.level > d.limit then
        d.level = d.limit -- the limit was lowered
    end
    if d.level >= d.limit then
        d.carry = 0
    elseif now > d.last then
        local dt = now - d.last
        if d.level >= 0 and dt > d.window then
            dt = d.window -- refills it fully anyway; keeps dt * limit small
        end
        local num = dt * d.limit + d.carry
        local add = idiv(num, d.window)
        if d.level + add >= d.limit then
            d.level, d.carry = d.limit, 0
        else
            d.level, d.carry = d.level + add, num - add * d.window
        end
    end
    if now > d.last then
        d.last = now -- a clock that stepped back refills nothing
    end
end

local function token_earliest(d, cost, keep, now)
    local need = cost + keep - d.level
    local num = need * d.window - d.carry
    local at = d.last + idiv(num + d.limit - 1, d.limit)
    return math.max(at, now)
end

local function token_save(d, now)
    local ttl = SLACK_MS + math.max(d.last - now, 0)
    if d.level < d.limit then
        local num = (d.limit - d.level) * d.window - d.carry
        ttl = ttl + idiv(num + d.limit - 1, d.limit)
    end
    redis.call('HSET', d.key, 'level', fmt(d.level), 'last_ms', fmt(d.last),
        'carry', fmt(d.carry))
    redis.call('PEXPIRE', d.key, fmt(ttl))
end

-- --- any kind ----------------------------------------------------------------

local function load(d, now, vnow)
    if d.kind == FIXED then
        fixed_load(d)
        return fixed_used(d, vnow)
    elseif d.kind == SLIDING then
        sliding_load(d, now)
        return d.used
    end
    token_load(d, now)
    return d.limit - d.level
end

local function next_seq(meta)
    return fmt(redis.call('HINCRBY', meta, 'seq', 1))
end

-- --- ops ---------------------------------------------------------------------

local ops = {}

ops.take = function(r, now)
    local meta = KEYS[1]
    local ban = redis.call('HMGET', meta, 'ban_until', 'ban_reason',
        'ban_gateway')
    local ban_until = tonumber(ban[1])
    if ban_until ~= nil and ban_until > now then
        return {2, ban_until, ban[2] or '', ban[3] or '', now}
    end
    for _, d in ipairs(r.buckets) do
        if d.amount > d.limit - d.extra then
            return {3, now}
        end
    end

    local vnow = now + r.offset
    local earliest = nil
    for _, d in ipairs(r.buckets) do
        d.used_now = load(d, now, vnow)
        d.free = d.limit - d.extra - d.used_now
        if d.amount > 0 and d.amount > d.free then
            local cap = d.limit - d.extra
            local at
            if d.kind == FIXED then
                at = fixed_earliest(d, d.amount, cap, vnow) - r.offset
            elseif d.kind == SLIDING then
                at = sliding_earliest(d, d.amount, cap)
            else
                at = token_earliest(d, d.amount, d.extra, now)
            end
            if earliest == nil or at > earliest then
                earliest = at
            end
        end
    end
    if earliest ~= nil then
        return {1, earliest, now}
    end

    local m = r.max_extra
    for _, d in ipairs(r.buckets) do
        if d.amount > 0 then
            if 2 * (d.used_now + d.amount) > d.limit then
                m = 0
            else
                m = math.min(m, idiv(d.free - d.amount, 2 * d.amount))
            end
        end
    end

    local lease = r.gateway .. ':' .. next_seq(meta)
    local valid_until = now + TOKEN_LEASE_MS
    local reply = {0, 1 + m, now, 0, lease}
    for i, d in ipairs(r.buckets) do
        local units = d.amount * (1 + m)
        local win = 0
        if units > 0 then
            local valid
            if d.kind == FIXED then
                local valid_v
                win, valid_v = fixed_charge(d, units, vnow)
                fixed_save(d, vnow)
                valid = math.max(valid_v - r.offset, now)
            elseif d.kind == SLIDING then
                sliding_add(d, lease .. ':' .. fmt(units),
                    now + r.hold + d.window + d.guard, now)
                valid = now + r.hold
            else
                d.level = d.level - units
                token_save(d, now)
                valid = now + TOKEN_LEASE_MS
            end
            valid_until = math.min(valid_until, valid)
        end
        reply[5 + i] = win
    end
    reply[4] = valid_until
    return reply
end

ops.give = function(r, now)
    local vnow = now + r.offset
    for _, d in ipairs(r.buckets) do
        local units = d.amount
        if units > 0 then
            load(d, now, vnow)
            if d.kind == FIXED then
                local win = d.extra
                if d.start == win then
                    d.used = d.used - math.min(units, d.used)
                    fixed_save(d, vnow)
                elseif d.anchor == CLOCK and d.start ~= nil and
                    d.start + d.window == win then
                    d.used = d.used - math.min(units, d.used)
                    d.next = d.next - math.min(units, d.next)
                    fixed_save(d, vnow)
                end
            elseif d.kind == SLIDING then
                for _, e in ipairs(d.entries) do
                    local id = string.match(e.member, '^(.*):%d+$')
                    if id == r.lease then
                        local left = e.units - math.min(units, e.units)
                        redis.call('ZREM', d.key, e.member)
                        if left > 0 then
                            -- Same score: the units still sent keep
                            -- their expiry. The key's expiry is kept.
                            redis.call('ZADD', d.key, fmt(e.score),
                                r.lease .. ':' .. fmt(left))
                        end
                        break
                    end
                end
            else
                d.level = math.min(d.limit, d.level + units)
                if d.level >= d.limit then
                    d.carry = 0
                end
                token_save(d, now)
            end
        end
    end
    return {0, now}
end

ops.observe = function(r, now)
    local vnow = now + r.offset
    for _, d in ipairs(r.buckets) do
        local used = d.amount
        if d.kind == FIXED and used > 0 then
            fixed_load(d)
            if d.anchor == FIRST_USE then
                -- The venue's window began at some time <= now; starting
                -- ours at now ends it no earlier than the venue's.
                if not fixed_active(d, vnow) then
                    d.start = vnow
                    d.used = 0
                end
            else
                -- Within guard of a boundary the report may be for either
                -- window; the older one gets it, as locally (the next
                -- report corrects the newer one).
                local lo = fixed_span(d, vnow)
                fixed_advance(d, lo)
            end
            if used > d.used then
                d.used = used
                fixed_save(d, vnow)
            end
        elseif d.kind == SLIDING and used > 0 then
            sliding_load(d, now)
            if used > d.used then
                local hold = d.extra > 0 and d.extra or d.window
                sliding_add(d, 'obs:' .. next_seq(KEYS[1]) .. ':' ..
                    fmt(used - d.used), now + hold + d.guard, now)
            end
        elseif d.kind == TOKEN and used >= 0 then
            token_load(d, now)
            local remaining = math.max(0, d.limit - used)
            if remaining < d.level then
                d.level = remaining
                d.carry = 0
                token_save(d, now)
            end
        end
    end
    return {0, now}
end

ops.seed = function(r, now)
    local vnow = now + r.offset
    for _, d in ipairs(r.buckets) do
        local units = d.amount
        if units > 0 then
            if d.kind == FIXED then
                fixed_load(d)
                fixed_charge(d, units, vnow)
                fixed_save(d, vnow)
            elseif d.kind == SLIDING then
                sliding_add(d, 'seed:' .. next_seq(KEYS[1]) .. ':' ..
                    fmt(units), now + d.window + d.guard, now)
            else
                token_load(d, now)
                d.level = math.max(0, d.level - units)
                token_save(d, now)
            end
        end
    end
    return {0, now}
end

ops.ban = function(r, now)
    local meta = KEYS[1]
    local current = tonumber(redis.call('HGET', meta, 'ban_until'))
    if current ~= nil and r['until'] <= current then
        return {0, now}
    end
    redis.call('HSET', meta, 'ban_until', fmt(r['until']), 'ban_reason',
        r.reason, 'ban_gateway', r.gateway)
    redis.call('PUBLISH', r.channel, r.venue .. '\t' .. fmt(r['until']) ..
        '\t' .. r.gateway .. '\t' .. r.reason)
    return {1, now}
end

ops.status = function(r, now)
    local v = redis.call('HMGET', KEYS[1], 'ban_until', 'ban_reason',
        'ban_gateway')
    return {tonumber(v[1]) or 0, v[2] or '', v[3] or '', now}
end

-- --- dispatch ----------------------------------------------------------------

local op = ARGV[1]
local parse = parsers[op]
if parse == nil or #KEYS < 1 then
    return redis.error_reply('xg: bad arguments: unknown op or no meta key')
end
local ok, req = pcall(parse)
if not ok then
    if type(req) == 'table' and req.xg_bad ~= nil then
        return redis.error_reply('xg: bad arguments: ' .. op .. ': ' ..
            req.xg_bad)
    end
    error(req, 0)
end
return ops[op](req, redis_now())
