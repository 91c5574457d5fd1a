// Third-party client check: the unmodified ccxt.pro (ccxt pinned in
// package.json), at default options, follows the account's orders and
// fills on one xgsim venue's private stream as a bot would on the live
// one. Only the base URLs are pointed at xgsim: REST as market.mjs does,
// and every WebSocket base, path kept (wss://host/ws-api/v3 ->
// ws://127.0.0.1:PORT/ws-api/v3). What ccxt.pro opens from them:
//   binance  urls.api.ws['ws-api'].spot, userDataStream.subscribe.signature
//   bybit    urls.api.ws.private.contract ({hostname} filled), /v5/private
//   okx      urls.api.ws + '/private', /ws/v5/private
//   kucoin   none: the endpoint POST /api/v1/bullet-private answers
// so a client left pointing at a live host would fail to connect (no
// network here), and the check also asserts every socket ccxt opened is
// on xgsim.
//
//   1. watchOrders(symbol) and watchMyTrades(symbol) run from the start;
//      the steps wait until xgsim's log shows the subscriptions made;
//   2. a resting limit buy by client id: its order arrives on the stream
//      open, unfilled, with its exchange and client ids, price and amount;
//   3. a limit buy priced at the second ask level for exactly the first
//      two levels: it fills across both at the levels' prices; the stream
//      shows it closed with the whole amount filled, and watchMyTrades
//      delivers one trade per level whose id, price, amount, side,
//      liquidity, time and fee are what fetchMyTrades then returns;
//   4. the venue's keepalive runs on ccxt.pro's socket and xgsim neither
//      cuts nor closes the stream;
//   5. cancel the resting order over REST: the stream shows it canceled,
//      still unfilled.
//
// xgsim must run as for market.mjs (walk paused, 100,000-USDT levels) so
// the book read first is the book the order meets, and with the short
// keepalive clocks step 4 names (the test's XGSIM_ARGS). Every wait is
// bounded (STEP_MS); the whole check has a deadline too, so it never
// hangs.
// Usage: BASE_URL=http://127.0.0.1:PORT node stream.mjs VENUE
// Prints each step; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import ccxt from 'ccxt'

const venue = process.argv[2]
const base = process.env.BASE_URL
if (!base || !['binance', 'bybit', 'okx', 'kucoin'].includes(venue)) {
  console.error('usage: BASE_URL=http://127.0.0.1:PORT node stream.mjs binance|bybit|okx|kucoin')
  process.exit(2)
}
const wsBase = base.replace(/^http/, 'ws')

const STEP_MS = 20000
const deadline = setTimeout(() => {
  console.error(`FAIL ${venue}: the check did not finish in 100 s`)
  process.exit(1)
}, 100000)
deadline.unref()

const ex = new ccxt.pro[venue]({
  apiKey: 'xgsim-test-key',
  secret: 'xgsim-test-secret',
  password: 'xgsim-test-pass'
})
for (const [name, url] of Object.entries(ex.urls.api)) {
  if (name !== 'ws' && typeof url === 'string') {
    ex.urls.api[name] = url.replace(/^https?:\/\/[^/]+/, base)
  }
}
ex.urls.api.ws = toXgsim(ex.urls.api.ws)
// xgsim serves plain ws:// (no TLS on loopback), and ccxt in node opens a
// ws:// URL only with the http agent this public method loads: what it
// asks of any caller of a ws:// endpoint, not a change to its behaviour.
await ex.loadHttpProxyAgent()

function toXgsim (urls) {
  if (typeof urls === 'string') {
    return urls.replace(/^wss?:\/\/[^/]+/, wsBase)
  }
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, toXgsim(v)]))
}

const symbol = 'BTC/USDT'

function fail (what, data) {
  console.error(`FAIL ${venue}: ${what}: ${JSON.stringify(data)}`)
  process.exit(1)
}

function check (cond, what, data) {
  if (!cond) {
    fail(what, data)
  }
  console.log(`ok ${venue}: ${what}`)
}

function near (a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

async function step (what, fn) {
  try {
    return await fn()
  } catch (e) {
    fail(`${what} threw ${e.constructor.name}`, e.message)
  }
}

// A watcher keeps calling its watch method and records a copy of every
// structure it returns: ccxt updates a cached order in place, so the copy
// is what the stream said at that moment. A watch that throws fails the
// check (an auth refusal or a parse error must not pass as "nothing came").
function watcher (name, watch) {
  const seen = []
  let stopped = false
  let wake = () => {}
  const loop = (async () => {
    while (!stopped) {
      let batch
      try {
        batch = await watch()
      } catch (e) {
        if (stopped) {
          return
        }
        fail(`${name} threw ${e.constructor.name}`, e.message)
      }
      for (const item of batch) {
        seen.push(structuredClone(item))
      }
      wake()
    }
  })()
  return {
    seen,
    // The first entry pred accepts, at or after index from; fails after
    // STEP_MS with what the stream did deliver.
    async until (pred, what, from = 0) {
      const end = Date.now() + STEP_MS
      for (;;) {
        const hit = seen.slice(from).find(pred)
        if (hit !== undefined) {
          return hit
        }
        const left = end - Date.now()
        if (left <= 0) {
          fail(`${what}: nothing matching on ${name} within ${STEP_MS} ms; it delivered`,
            seen.map(summary))
        }
        await new Promise(resolve => {
          const t = setTimeout(resolve, left)
          wake = () => { clearTimeout(t); resolve() }
        })
      }
    },
    stop () {
      stopped = true
      return loop
    }
  }
}

function summary (x) {
  return {
    id: x.id,
    order: x.order,
    clientOrderId: x.clientOrderId,
    status: x.status,
    price: x.price,
    amount: x.amount,
    filled: x.filled,
    fee: x.fee
  }
}

// xgsim's request log (docs/simulator.md, "Request log") shows each
// subscription the stream accepted; the orders must not be placed before
// them, as no venue replays what happened before a subscription.
async function streamLog () {
  const res = await fetch(`${base}/_sim/log`)
  const text = await res.text()
  return text.split('\n').filter(l => l !== '').map(l => JSON.parse(l))
    .filter(e => e.method === 'WS')
}

async function subscriptionsMade (want) {
  const end = Date.now() + STEP_MS
  for (;;) {
    const log = await streamLog()
    const refused = log.filter(e => ['login_fail', 'not_logged', 'sub_fail'].includes(e.outcome))
    if (refused.length > 0) {
      fail('xgsim refused the stream\'s login or subscription', refused)
    }
    const made = log.filter(e => e.outcome === 'subscribed')
    if (made.length >= want) {
      return made
    }
    if (Date.now() > end) {
      fail(`xgsim logged ${made.length} subscriptions within ${STEP_MS} ms, want ${want}`, log)
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

const markets = await step('loadMarkets', () => ex.loadMarkets())
const market = markets[symbol]
check(market !== undefined && market.spot, 'load markets lists BTC/USDT as a spot market', market)

// 1. Both watchers from the start, and the subscriptions in place.
const orders = watcher('watchOrders', () => ex.watchOrders(symbol))
const trades = watcher('watchMyTrades', () => ex.watchMyTrades(symbol))
// One subscribe request per topic ccxt.pro asks for, as xgsim logs them:
// Binance's one user data subscription carries orders and fills; Bybit
// subscribes "order" and "execution"; OKX and KuCoin read fills from the
// orders channel / topic: ccxt.pro's OKX sends the same orders
// subscription once per watcher, its KuCoin sends the tradeOrders topic
// once and lets both watchers share it.
const subscriptions = { binance: 1, bybit: 2, okx: 2, kucoin: 1 }[venue]
await subscriptionsMade(subscriptions)
console.log(`ok ${venue}: the stream is subscribed (${subscriptions} subscriptions)`)

const book = await step('fetchOrderBook', () => ex.fetchOrderBook(symbol))
const { asks, bids } = book
check(asks.length >= 2 && bids.length >= 1, 'book has two ask levels and a bid', book)

// 2. A resting buy well below the book, by client id.
const restingId = `ccxtpro${Date.now()}`
const low = Number(ex.priceToPrecision(symbol, bids[bids.length - 1][0] * 0.9))
const small = Number(ex.amountToPrecision(symbol,
  Math.max(market.limits.amount.min ?? 0, asks[0][1] / 10)))
const resting = await step('createOrder (resting)', () =>
  ex.createOrder(symbol, 'limit', 'buy', small, low, { clientOrderId: restingId }))
check(typeof resting.id === 'string' && resting.id.length > 0, 'the resting order is placed', resting)
const restingSeen = await orders.until(o => o.id === resting.id, 'the resting order on watchOrders')
check(restingSeen.clientOrderId === restingId && restingSeen.symbol === symbol &&
  restingSeen.status === 'open' && restingSeen.side === 'buy',
'watchOrders delivers the resting order open, with its exchange and client ids', summary(restingSeen))
check(near(restingSeen.price, low) && near(restingSeen.amount, small) && restingSeen.filled === 0,
  'its price and amount are the order\'s, nothing filled', summary(restingSeen))

// 3. Across two levels, the whole amount taken.
const [p0, q0] = asks[0]
const [p1, q1] = asks[1]
const amount = Number(ex.amountToPrecision(symbol, q0 + q1))
const price = Number(ex.priceToPrecision(symbol, p1))
const takerId = `ccxtpro${Date.now()}t`
const taker = await step('createOrder (marketable)', () =>
  ex.createOrder(symbol, 'limit', 'buy', amount, price, { clientOrderId: takerId }))
check(typeof taker.id === 'string' && taker.id.length > 0, 'the marketable order is placed', taker)
const takerSeen = await orders.until(o => o.id === taker.id && o.status === 'closed',
  'the marketable order closed on watchOrders')
check(takerSeen.clientOrderId === takerId && near(takerSeen.filled, amount) &&
  near(takerSeen.amount, amount) && (takerSeen.remaining === undefined || near(takerSeen.remaining, 0)),
'watchOrders delivers the marketable order closed, its whole amount filled', summary(takerSeen))
if (takerSeen.average !== undefined) {
  check(takerSeen.average > p0 && takerSeen.average < p1,
    'its average price is between the two levels', { average: takerSeen.average, levels: [p0, p1] })
}

const fills = []
for (const [p, q] of [[p0, q0], [p1, q1]]) {
  fills.push(await trades.until(t => t.order === taker.id && near(t.price, p),
    `the fill at ${p} on watchMyTrades`))
}
check(near(fills[0].amount, q0) && near(fills[1].amount, q1) && fills[0].id !== fills[1].id &&
  fills.every(t => t.symbol === symbol && t.side === 'buy' && t.takerOrMaker === 'taker'),
'watchMyTrades delivers one taker fill per level at its price for its size', fills.map(summary))

// How each venue's push carries a fill's fee, as ccxt.pro hands it over:
// OKX pushes fillFee with its sign (negative: charged; streams fact sheet
// 3.4) and ccxt.pro's okx passes it on as it is, where its REST parseTrade
// turns the charge positive; KuCoin pushes no fee amount at all (4.3), so
// there the stream must carry none and REST alone has it.
const streamFee = { okx: 'negated', kucoin: 'none' }[venue] ?? 'same'
// KuCoin's push times a fill in ns (ts), which ccxt.pro turns into ms as
// a double times 1e-6, truncated: a whole-ms ts may come out a ms early.
const tsSlackMs = venue === 'kucoin' ? 1 : 0
const history = await step('fetchMyTrades', () => ex.fetchMyTrades(symbol))
for (const fill of fills) {
  const rest = history.find(t => t.id === fill.id)
  check(rest !== undefined && rest.order === taker.id, `fetchMyTrades has the streamed trade ${fill.id}`,
    { streamed: summary(fill), rest: history.map(summary) })
  check(near(rest.price, fill.price) && near(rest.amount, fill.amount),
    'its price and amount over REST are the streamed ones', { streamed: summary(fill), rest: summary(rest) })
  check(Math.abs(fill.timestamp - rest.timestamp) <= tsSlackMs,
    'its time over REST is the streamed one', { streamed: fill.timestamp, rest: rest.timestamp })
  check(rest.takerOrMaker === fill.takerOrMaker && rest.side === fill.side,
    'its side and liquidity over REST are the streamed ones', { streamed: fill, rest })
  check(rest.fee !== undefined && rest.fee.cost > 0, 'REST shows its fee', rest.fee)
  if (streamFee === 'none') {
    check(fill.fee === undefined || fill.fee.cost === undefined,
      'the stream carries no fee amount, as the venue pushes none', fill.fee)
  } else {
    const cost = streamFee === 'negated' ? -fill.fee?.cost : fill.fee?.cost
    check(fill.fee?.currency === rest.fee.currency && near(cost, rest.fee.cost),
      `its fee over REST is the streamed one${streamFee === 'negated' ? ' (the stream\'s sign is the venue\'s)' : ''}`,
      { streamed: fill.fee, rest: rest.fee })
  }
}

// 4. The keepalive in each venue's form, on the socket ccxt.pro reads
// (before the cancel, so the stream is seen to deliver after it): its
// text "ping" answered "pong" (OKX), its {"op":"ping"} answered
// {"op":"pong"} (Bybit), its {"type":"ping"} answered {"type":"pong"}
// (KuCoin, every pingInterval the token gave: the test's stream_ping_ms,
// 2 s), and Binance's server ping frames (the test's stream_ping_ms, 1 s)
// answered by the client within stream_pong_ms (2 s) or xgsim closes the
// stream. ccxt.pro's own pings go every 18 s on OKX and Bybit, so this
// step waits up to that long there.
const keepalive = {
  binance: { what: 'three server ping frames answered', count: 3, frame: 'ping' },
  bybit: { what: 'a {"op":"pong"} to ccxt.pro\'s ping', count: 1, text: m => jsonField(m, 'op') === 'pong' },
  okx: { what: 'a text "pong" to ccxt.pro\'s "ping"', count: 1, text: m => m === 'pong' },
  // Three, so ccxt.pro's own check (no pong for two intervals: a
  // RequestTimeout that fails the watchers) has had time to act.
  kucoin: { what: 'three {"type":"pong"} to ccxt.pro\'s pings', count: 3, text: m => jsonField(m, 'type') === 'pong' }
}[venue]
function jsonField (text, key) {
  try {
    return JSON.parse(text)[key]
  } catch {
    return undefined
  }
}
const streamClients = Object.values(ex.clients)
let beats = 0
for (const client of streamClients) {
  if (keepalive.frame !== undefined) {
    client.connection.on(keepalive.frame, () => { beats++ })
  } else {
    client.connection.on('message', (data, isBinary) => {
      if (!isBinary && keepalive.text(data.toString())) {
        beats++
      }
    })
  }
}
{
  const end = Date.now() + STEP_MS
  while (beats < keepalive.count) {
    if (Date.now() > end) {
      fail(`keepalive: ${beats} of ${keepalive.what} within ${STEP_MS} ms`, await streamLog())
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
// What is not a cut: the logins, the subscriptions and the fills pushed.
const cut = (await streamLog()).filter(e => !['login', 'subscribed', 'fill_pushed'].includes(e.outcome))
check(cut.length === 0 && streamClients.every(c => c.isOpen()),
  `keepalive: ${keepalive.what}, the stream still open`, cut)

// 5. Cancel the resting order; its cancel arrives after its first push.
const from = orders.seen.indexOf(orders.seen.find(o => o.id === resting.id))
await step('cancelOrder', () => ex.cancelOrder(resting.id, symbol))
const canceled = await orders.until(o => o.id === resting.id && o.status !== 'open',
  'the resting order\'s cancel on watchOrders', from + 1)
check(canceled.status === 'canceled' && canceled.filled === 0 && canceled.clientOrderId === restingId,
  'watchOrders delivers the cancel: status canceled, unfilled, the same client id', summary(canceled))

const sockets = Object.keys(ex.clients)
check(sockets.length > 0 && sockets.every(u => u.startsWith(wsBase + '/')),
  'every socket ccxt.pro opened is on xgsim', sockets)

await Promise.race([
  Promise.all([orders.stop(), trades.stop(), ex.close()]),
  new Promise((resolve, reject) => setTimeout(() => reject(new Error('close')), STEP_MS))
]).catch(e => fail('closing the exchange did not finish', e.message))
console.log(`ok ${venue}: the exchange is closed`)
process.exit(0)
