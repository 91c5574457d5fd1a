// Third-party client check: KuCoin's official, unmodified
// kucoin-universal-sdk (pinned in package.json) places a LIMIT order on
// xgsim's KuCoin HF dialect, queries it by clientOid and cancels it; reads
// ticker, order book and balances; places a marketable order and finds it
// by order id, in the fill list and in the order history; cancels a
// resting one by order id. Only options the library offers are used: the
// spot endpoint and the keys.
// Usage: BASE_URL=http://127.0.0.1:PORT node place_query_cancel.mjs
// Prints each answer; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import { Account, ClientOptionBuilder, DefaultClient, Spot } from 'kucoin-universal-sdk'

const baseUrl = process.env.BASE_URL
if (!baseUrl) {
  console.error('place_query_cancel: BASE_URL is not set')
  process.exit(2)
}
const client = new DefaultClient(new ClientOptionBuilder()
  .setKey('xgsim-test-key')
  .setSecret('xgsim-test-secret')
  .setPassphrase('xgsim-test-pass')
  .setSpotEndpoint(baseUrl)
  .build())
const rest = client.restService().getSpotService()
const account = client.restService().getAccountService().getAccountApi()
const market = rest.getMarketApi()
const orders = rest.getOrderApi()
const clientOid = `tp-${Date.now()}`
const symbol = 'BTC-USDT'

function check (cond, what, data) {
  if (!cond) {
    console.error(`FAIL: ${what}: ${JSON.stringify(data)}`)
    process.exit(1)
  }
  console.log(`ok: ${what}`)
}

// The SDK's answers carry their rate-limit and common-response fields too;
// print only the model's own data.
function show (label, resp) {
  console.log(label, JSON.stringify(resp?.toJson ? JSON.parse(resp.toJson()) : resp))
}

try {
  const symbols = await market.getAllSymbols(Spot.Market.GetAllSymbolsReq.create({}))
  check(symbols.data?.some((s) => s.symbol === symbol), 'symbols lists BTC-USDT', symbols.data)

  const placed = await orders.addOrder(Spot.Order.AddOrderReq.create({
    clientOid, side: 'buy', symbol, type: 'limit', price: '30000', size: '0.01', timeInForce: 'GTC'
  }))
  show('placed:', placed)
  check(placed.clientOid === clientOid && /^[0-9a-f]{24}$/.test(placed.orderId ?? ''),
    'add order acknowledges it', placed)
  const orderId = placed.orderId

  const queried = await orders.getOrderByClientOid(Spot.Order.GetOrderByClientOidReq.create({ clientOid, symbol }))
  show('queried:', queried)
  check(queried.id === orderId && queried.active === true && queried.inOrderBook === true &&
    queried.price === '30000' && queried.side === 'buy', 'query by clientOid finds it active', queried)

  const canceled = await orders.cancelOrderByClientOid(Spot.Order.CancelOrderByClientOidReq.create({ clientOid, symbol }))
  show('canceled:', canceled)
  check(canceled.clientOid === clientOid, 'cancel acknowledges it', canceled)

  const after = await orders.getOrderByClientOid(Spot.Order.GetOrderByClientOidReq.create({ clientOid, symbol }))
  show('after:', after)
  check(after.id === orderId && after.active === false && after.cancelExist === true,
    'query sees it closed and canceled', after)

  // A refused request must surface as the venue's error, as on KuCoin.
  let refused = null
  try {
    await orders.cancelOrderByClientOid(Spot.Order.CancelOrderByClientOidReq.create({ clientOid, symbol }))
  } catch (err) {
    refused = err
  }
  // The SDK wraps a non-200 answer in a RestError around axios' error.
  const answer = refused?.getError?.()?.response
  check(answer?.status === 400 && answer?.data?.code === '400100',
    'second cancel is refused with HTTP 400, 400100', answer?.data ?? String(refused ?? 'it succeeded'))

  // Market data: the ticker quotes the top of the book. The price walks
  // (one step a second by default), so the two reads may be a step apart.
  const ticker = await market.getTicker(Spot.Market.GetTickerReq.create({ symbol }))
  show('ticker:', ticker)
  const book = await market.getPartOrderBook(Spot.Market.GetPartOrderBookReq.create({ symbol, size: '20' }))
  const near = (a, b) => Math.abs(Number(a) - Number(b)) <= Number(b) * 0.001
  check(book.asks.length > 0 && book.bids.length > 0 && Number(book.bids[0][0]) < Number(book.asks[0][0]) &&
    near(ticker.bestAsk, book.asks[0][0]) && near(ticker.bestBid, book.bids[0][0]),
  'ticker quotes the top of the 20-level book', { ticker, bid: book.bids[0], ask: book.asks[0] })
  const stats = await market.get24hrStats(Spot.Market.Get24hrStatsReq.create({ symbol }))
  check(near(stats.sell, ticker.bestAsk) && Number(stats.last) > 0, '24h stats agree with the ticker', stats)

  const balances = await account.getSpotAccountList(Account.Account.GetSpotAccountListReq.create({ currency: 'USDT', type: 'trade' }))
  const usdt = balances.data?.find((b) => b.currency === 'USDT')
  check(usdt !== undefined && Number(usdt.available) > 0 && usdt.type === 'trade',
    'accounts list the trade account\'s USDT', balances.data)

  // A small buy 1% above the best ask fills at once, at the book's price;
  // its fill shows the fee.
  const takeOid = `tp-take-${Date.now()}`
  const limit = (Number(ticker.bestAsk) * 1.01).toFixed(1)
  const taken = await orders.addOrder(Spot.Order.AddOrderReq.create({
    clientOid: takeOid, side: 'buy', symbol, type: 'limit', price: limit, size: '0.001', timeInForce: 'IOC'
  }))
  const filled = await orders.getOrderByOrderId(Spot.Order.GetOrderByOrderIdReq.create({ orderId: taken.orderId, symbol }))
  show('filled:', filled)
  check(filled.id === taken.orderId && filled.active === false && filled.dealSize === '0.001' &&
    Number(filled.fee) > 0 && filled.feeCurrency === 'USDT', 'query by order id shows the fill and its fee', filled)
  // The SDK sends every field of a request it was not given as the text
  // "undefined", which xgsim refuses as a bad number or enum (400100), so
  // the optional filters are given explicitly.
  const now = Date.now()
  const window = { lastId: 9000000000000000, limit: 20, startAt: now - 3600000, endAt: now + 3600000 }
  const fills = await orders.getTradeHistory(Spot.Order.GetTradeHistoryReq.create({
    symbol, orderId: taken.orderId, side: 'buy', type: 'limit', ...window
  }))
  show('fills:', fills)
  check(fills.items?.length === 1 && fills.items[0].liquidity === 'taker' && Number(fills.items[0].price) < Number(limit) &&
    Number(fills.items[0].fee) > 0, 'the fill list has the taker fill with its fee', fills.items)
  const done = await orders.getClosedOrders(Spot.Order.GetClosedOrdersReq.create({
    symbol, side: 'buy', type: 'limit', ...window
  }))
  check(done.items?.some((o) => o.id === taken.orderId) && done.items.some((o) => o.id === orderId),
    'order history has both closed orders', done.items?.map((o) => o.id))

  // A resting order, canceled by its order id.
  const resting = await orders.addOrder(Spot.Order.AddOrderReq.create({
    clientOid: `tp-rest-${Date.now()}`, side: 'buy', symbol, type: 'limit', price: '30000', size: '0.01', timeInForce: 'GTC'
  }))
  const byId = await orders.cancelOrderByOrderId(Spot.Order.CancelOrderByOrderIdReq.create({ orderId: resting.orderId, symbol }))
  check(byId.orderId === resting.orderId, 'cancel by order id acknowledges it', byId)
  const gone = await orders.getOrderByOrderId(Spot.Order.GetOrderByOrderIdReq.create({ orderId: resting.orderId, symbol }))
  check(gone.active === false && gone.cancelExist === true, 'query by order id sees it canceled', gone)
  console.log('PASS: kucoin-universal-sdk place/query/cancel against xgsim')
} catch (err) {
  const body = err?.getError?.()?.response?.data
  console.error('FAIL:', String(err), body ? JSON.stringify(body) : '')
  process.exit(1)
}
