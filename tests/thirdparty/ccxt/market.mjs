// Third-party client check: the unmodified ccxt (pinned in package.json),
// at default options, trades on one xgsim venue as a bot would on the live
// one. Only the REST base URLs are pointed at xgsim; every path ccxt calls
// on its own (currencies, account and API-key info before trading, ...) is
// the simulator's to answer.
//
//   1. load markets, fetch ticker and order book, fetch balance;
//   2. a marketable limit buy priced at the second ask level for more than
//      the first two levels hold: it fills across both levels at the
//      book's prices (better than its own price where the level is) and
//      rests with the remainder; the order shows the partial fill, the
//      trade history shows one fill per level with its fee, and the
//      balances moved;
//   3. cancel it by id; place a resting order by client id, find it by
//      client id, cancel it by client id; both are in the order history.
//
// xgsim must run with its price walk paused, so the book read in step 1
// is the book the order meets, and with levels a tenth of the default
// (100,000 USDT), so two and a third of them fit the test account's
// 1,000,000 USDT (the test's XGSIM_ARGS).
// Usage: BASE_URL=http://127.0.0.1:PORT node market.mjs VENUE
// Prints each step; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import ccxt from 'ccxt'

const venue = process.argv[2]
const base = process.env.BASE_URL
if (!base || !['binance', 'bybit', 'okx', 'kucoin'].includes(venue)) {
  console.error('usage: BASE_URL=http://127.0.0.1:PORT node market.mjs binance|bybit|okx|kucoin')
  process.exit(2)
}

const ex = new ccxt[venue]({
  apiKey: 'xgsim-test-key',
  secret: 'xgsim-test-secret',
  password: 'xgsim-test-pass'
})
// Every REST base, its path kept ("https://api.binance.com/sapi/v1" ->
// BASE_URL + "/sapi/v1"); hostname templates ("https://api.{hostname}")
// go the same way.
for (const [name, url] of Object.entries(ex.urls.api)) {
  if (typeof url === 'string') {
    ex.urls.api[name] = url.replace(/^https?:\/\/[^/]+/, base)
  }
}

const symbol = 'BTC/USDT'

// What ccxt's own venue classes ask of a caller on the live venue too, not
// routes around missing paths: Bybit's fetchOrder refuses to run until the
// caller acknowledges it only sees the last 500 orders, and its cancel
// takes the client id under Bybit's name for it.
const quirks = {
  bybit: { fetchOrder: { acknowledged: true }, clientIdParam: 'orderLinkId' }
}[venue] ?? {}
const fetchOrderParams = quirks.fetchOrder ?? {}
const clientIdParam = quirks.clientIdParam ?? 'clientOrderId'

function check (cond, what, data) {
  if (!cond) {
    console.error(`FAIL ${venue}: ${what}: ${JSON.stringify(data)}`)
    process.exit(1)
  }
  console.log(`ok ${venue}: ${what}`)
}

// Equal to the venue's precision: amounts and prices are decimal strings
// on the wire, ccxt hands them over as floats.
function near (a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

async function step (what, fn) {
  try {
    return await fn()
  } catch (e) {
    console.error(`FAIL ${venue}: ${what} threw ${e.constructor.name}: ${e.message}`)
    process.exit(1)
  }
}

const markets = await step('loadMarkets', () => ex.loadMarkets())
const market = markets[symbol]
check(market !== undefined && market.spot && market.active !== false,
  'load markets lists BTC/USDT as an active spot market', market)
check(market.precision.price > 0 && market.precision.amount > 0,
  'BTC/USDT has price and amount precision', market.precision)

const ticker = await step('fetchTicker', () => ex.fetchTicker(symbol))
check(ticker.bid > 0 && ticker.ask > ticker.bid && ticker.last > 0,
  'ticker has bid < ask and a last price', ticker)

const book = await step('fetchOrderBook', () => ex.fetchOrderBook(symbol))
const { asks, bids } = book
check(asks.length >= 3 && bids.length >= 3, 'book has three levels a side or more',
  { asks: asks.length, bids: bids.length })
check(asks.every((l, i) => i === 0 || l[0] > asks[i - 1][0]) &&
  bids.every((l, i) => i === 0 || l[0] < bids[i - 1][0]) && bids[0][0] < asks[0][0],
'book sides are sorted and do not cross', { asks: asks.slice(0, 3), bids: bids.slice(0, 3) })
check(near(book.asks[0][0], ticker.ask) && near(book.bids[0][0], ticker.bid),
  'ticker quotes the top of the book', { ticker: [ticker.bid, ticker.ask], book: [bids[0], asks[0]] })

const before = await step('fetchBalance', () => ex.fetchBalance())
check(before.free.USDT > 0 && before.total.USDT >= before.free.USDT,
  'balance has free USDT', before.USDT)
const btcBefore = before.total.BTC ?? 0
const usdtBefore = before.total.USDT

// Across two levels, with a third of the second's size left to rest.
const [p0, q0] = asks[0]
const [p1, q1] = asks[1]
const rest = Number(ex.amountToPrecision(symbol, q1 / 3))
const amount = Number(ex.amountToPrecision(symbol, q0 + q1 + rest))
const price = Number(ex.priceToPrecision(symbol, p1))
check(cost(amount, price) < before.free.USDT, 'the balance covers the order',
  { amount, price, free: before.free.USDT })
const placed = await step('createOrder (marketable)', () =>
  ex.createOrder(symbol, 'limit', 'buy', amount, price))
check(typeof placed.id === 'string' && placed.id.length > 0, 'the marketable order is placed', placed)

const order = await step('fetchOrder', () => ex.fetchOrder(placed.id, symbol, fetchOrderParams))
const filled = q0 + q1
check(order.status === 'open' && near(order.filled, filled) && near(order.remaining, amount - filled),
  'the order rests partially filled: both levels taken, the rest open',
  { status: order.status, filled: order.filled, remaining: order.remaining, want: filled })
check(order.average > p0 && order.average < p1,
  'its average price is between the two levels, better than its own limit',
  { average: order.average, levels: [p0, p1], limit: price })
if (order.fee !== undefined && order.fee.cost !== undefined) {
  check(order.fee.cost > 0, 'the order reports its fee', order.fee)
}

const trades = await step('fetchMyTrades', () => ex.fetchMyTrades(symbol))
const mine = trades.filter(t => t.order === placed.id)
check(mine.length === 2, 'trade history has one fill per level', mine)
mine.sort((a, b) => a.price - b.price)
check(near(mine[0].price, p0) && near(mine[0].amount, q0) &&
  near(mine[1].price, p1) && near(mine[1].amount, q1),
'each fill is at its level\'s price for its size', mine.map(t => [t.price, t.amount]))
check(mine.every(t => t.fee !== undefined && t.fee.cost > 0 && typeof t.fee.currency === 'string' &&
  t.takerOrMaker === 'taker'),
'each fill carries its taker fee', mine.map(t => [t.fee, t.takerOrMaker]))

const after = await step('fetchBalance (after the fills)', () => ex.fetchBalance())
check(after.total.BTC > btcBefore && after.total.USDT < usdtBefore - cost(filled, p0),
  'BTC rose and USDT fell by at least what the fills cost',
  { btc: [btcBefore, after.total.BTC], usdt: [usdtBefore, after.total.USDT] })
check(after.used.USDT >= cost(amount - filled, price) * 0.999,
  'the open remainder holds its USDT', { used: after.used.USDT, want: cost(amount - filled, price) })

await step('cancelOrder by id', () => ex.cancelOrder(placed.id, symbol))
const canceled = await step('fetchOrder (canceled)', () =>
  ex.fetchOrder(placed.id, symbol, fetchOrderParams))
// ccxt reads Bybit's PartiallyFilledCanceled as 'closed'.
check(['canceled', 'closed'].includes(canceled.status) && near(canceled.filled, filled),
  'canceled by id, its fills kept', { status: canceled.status, filled: canceled.filled })

// A resting buy well below the book, by client id.
const clientOrderId = `ccxt${Date.now()}`
const low = Number(ex.priceToPrecision(symbol, bids[bids.length - 1][0] * 0.9))
const small = Number(ex.amountToPrecision(symbol, Math.max(market.limits.amount.min ?? 0, q0 / 10)))
const resting = await step('createOrder (resting, by client id)', () =>
  ex.createOrder(symbol, 'limit', 'buy', small, low, { clientOrderId }))
check(resting.clientOrderId === undefined || resting.clientOrderId === clientOrderId,
  'the resting order carries its client id', resting)
const open = await step('fetchOpenOrders', () => ex.fetchOpenOrders(symbol))
check(open.some(o => o.clientOrderId === clientOrderId && o.status === 'open'),
  'open orders list it by its client id', open.map(o => [o.id, o.clientOrderId, o.status]))
await step('cancelOrder by client id', () =>
  ex.cancelOrder(undefined, symbol, { [clientIdParam]: clientOrderId }))
const openAfter = await step('fetchOpenOrders (after)', () => ex.fetchOpenOrders(symbol))
check(!openAfter.some(o => o.clientOrderId === clientOrderId), 'canceled by client id', openAfter)

// Finished orders, as each ccxt class offers them: a closed order is a
// filled one to ccxt, so canceled ones come from their own call where the
// venue has one.
async function finishedOrders () {
  if (ex.has.fetchCanceledAndClosedOrders) {
    return ex.fetchCanceledAndClosedOrders(symbol)
  }
  if (ex.has.fetchOrders) {
    return ex.fetchOrders(symbol)
  }
  const closed = ex.has.fetchClosedOrders ? await ex.fetchClosedOrders(symbol) : []
  const canceled = ex.has.fetchCanceledOrders ? await ex.fetchCanceledOrders(symbol) : []
  return closed.concat(canceled)
}
const history = await step('order history', finishedOrders)
const ids = history.map(o => o.id)
check(ids.includes(placed.id) && ids.includes(resting.id),
  'order history has both canceled orders', history.map(o => [o.id, o.status]))

function cost (qty, px) {
  return qty * px
}
