// Third-party client check: the unmodified @binance/connector (pinned in
// package.json) places a LIMIT order on xgsim, queries it and cancels it,
// then reads the market (tickers, depth, recent trades) and the account
// (balances with the open order's lock, its fills, order history) through
// the client's own methods.
// Usage: BASE_URL=http://127.0.0.1:PORT node place_query_cancel.mjs
// Prints each answer; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import { Spot } from '@binance/connector'

const baseURL = process.env.BASE_URL
if (!baseURL) {
  console.error('place_query_cancel: BASE_URL is not set')
  process.exit(2)
}
const client = new Spot('xgsim-test-key', 'xgsim-test-secret', { baseURL })
const clientOrderId = `tp-${Date.now()}`

function check (cond, what, data) {
  if (!cond) {
    console.error(`FAIL: ${what}: ${JSON.stringify(data)}`)
    process.exit(1)
  }
  console.log(`ok: ${what}`)
}

try {
  const info = (await client.exchangeInfo({ symbol: 'BTCUSDT' })).data
  check(info.symbols?.[0]?.symbol === 'BTCUSDT', 'exchangeInfo lists BTCUSDT', info.rateLimits)

  const placed = (await client.newOrder('BTCUSDT', 'BUY', 'LIMIT', {
    price: '30000', quantity: '0.01', timeInForce: 'GTC', newClientOrderId: clientOrderId
  })).data
  console.log('placed:', JSON.stringify(placed))
  check(placed.clientOrderId === clientOrderId && placed.status === 'NEW', 'new LIMIT order is NEW', placed)

  const queried = (await client.getOrder('BTCUSDT', { origClientOrderId: clientOrderId })).data
  console.log('queried:', JSON.stringify(queried))
  check(queried.orderId === placed.orderId && queried.status === 'NEW', 'query finds it NEW', queried)

  const canceled = (await client.cancelOrder('BTCUSDT', { origClientOrderId: clientOrderId })).data
  console.log('canceled:', JSON.stringify(canceled))
  check(canceled.status === 'CANCELED', 'cancel answers CANCELED', canceled)

  const after = (await client.getOrder('BTCUSDT', { orderId: placed.orderId })).data
  check(after.status === 'CANCELED', 'query by orderId sees CANCELED', after)

  // A refused request must surface as the venue's error, as on Binance.
  try {
    await client.cancelOrder('BTCUSDT', { origClientOrderId: clientOrderId })
    check(false, 'second cancel is refused', 'it succeeded')
  } catch (err) {
    const body = err.response?.data
    check(err.response?.status === 400 && body?.code === -2011, 'second cancel is refused with -2011', body ?? String(err))
  }
  // Market data: the book, its top in the tickers, the tape.
  const depth = (await client.depth('BTCUSDT', { limit: 5 })).data
  const bids = depth.bids.map(l => Number(l[0]))
  const asks = depth.asks.map(l => Number(l[0]))
  check(bids.length === 5 && asks.length === 5 && bids[0] < asks[0] &&
    bids.every((p, i) => i === 0 || p < bids[i - 1]) &&
    asks.every((p, i) => i === 0 || p > asks[i - 1]),
  'depth has 5 sorted levels a side that do not cross', depth)
  const book = (await client.bookTicker('BTCUSDT')).data
  check(book.symbol === 'BTCUSDT' && Number(book.bidPrice) > 0 &&
    Number(book.askPrice) > Number(book.bidPrice), 'bookTicker quotes bid < ask', book)
  const price = (await client.tickerPrice('BTCUSDT')).data
  check(price.symbol === 'BTCUSDT' && Number(price.price) > 0, 'tickerPrice has a price', price)
  const all = (await client.tickerPrice('', ['BTCUSDT', 'ETHUSDT'])).data
  check(Array.isArray(all) && all.length === 2, 'tickerPrice for two symbols answers two', all)

  // A market buy makes a trade: on the tape, in the 24 h ticker, in the
  // account's fills with its commission.
  const balBefore = (await client.account({ omitZeroBalances: true })).data
  const bought = (await client.newOrder('BTCUSDT', 'BUY', 'MARKET', { quantity: '0.001' })).data
  check(bought.status === 'FILLED' && bought.fills?.length >= 1 &&
    bought.fills.every(f => Number(f.commission) > 0 && f.commissionAsset === 'BTC'),
  'a MARKET buy fills with its commission in BTC', bought)
  const tape = (await client.trades('BTCUSDT', { limit: 10 })).data
  check(tape.some(t => t.id === bought.fills[0].tradeId), 'recent trades show the fill', tape)
  const day = (await client.ticker24hr('BTCUSDT')).data
  check(Number(day.count) >= 1 && Number(day.volume) >= 0.001 && Number(day.lastPrice) > 0,
    '24hr ticker counts the trade', day)
  const mine = (await client.myTrades('BTCUSDT', { orderId: bought.orderId })).data
  check(mine.length === bought.fills.length && mine.every(t => t.isBuyer === true &&
    t.isMaker === false && t.commissionAsset === 'BTC'), 'myTrades lists the fills as the buyer and taker', mine)
  const balAfter = (await client.account({ omitZeroBalances: true })).data
  const btc = b => Number(b.balances.find(x => x.asset === 'BTC')?.free ?? 0)
  check(btc(balAfter) > btc(balBefore), 'account shows the BTC bought', { before: btc(balBefore), after: btc(balAfter) })

  // A resting order locks its USDT; allOrders lists every order.
  const rest = (await client.newOrder('BTCUSDT', 'BUY', 'LIMIT', {
    price: '20000', quantity: '0.01', timeInForce: 'GTC'
  })).data
  const locked = (await client.account()).data.balances.find(b => b.asset === 'USDT')
  check(Number(locked.locked) >= 200, 'the resting order locks its USDT', locked)
  const history = (await client.allOrders('BTCUSDT')).data
  check([placed.orderId, bought.orderId, rest.orderId].every(id => history.some(o => o.orderId === id)),
    'allOrders lists the orders', history.map(o => [o.orderId, o.status]))
  await client.cancelOrder('BTCUSDT', { orderId: rest.orderId })
  const coins = (await client.coinInfo()).data
  check(coins.some(c => c.coin === 'USDT'), 'coinInfo (sapi) lists USDT', coins.map(c => c.coin))

  console.log('PASS: @binance/connector place/query/cancel and market/account reads against xgsim')
} catch (err) {
  console.error('FAIL:', err.response ? `${err.response.status} ${JSON.stringify(err.response.data)}` : String(err))
  process.exit(1)
}
