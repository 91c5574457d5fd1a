// Third-party client check: the unmodified bybit-api (pinned in
// package.json) places a LIMIT order on xgsim's Bybit v5 dialect, queries it
// by orderLinkId and cancels it; reads the ticker, order book, public trades,
// wallet balance (the order's lock), account and key info, and coin info;
// trades across the book and reads its executions and order history back;
// and places and cancels a batch. Only options the library offers are used:
// baseUrl and the keys (its time sync is off by default and stays off).
// Usage: BASE_URL=http://127.0.0.1:PORT node place_query_cancel.mjs
// Prints each answer; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import { RestClientV5 } from 'bybit-api'

const baseUrl = process.env.BASE_URL
if (!baseUrl) {
  console.error('place_query_cancel: BASE_URL is not set')
  process.exit(2)
}
const client = new RestClientV5({
  key: 'xgsim-test-key',
  secret: 'xgsim-test-secret',
  baseUrl
})
const orderLinkId = `tp-${Date.now()}`

function check (cond, what, data) {
  if (!cond) {
    console.error(`FAIL: ${what}: ${JSON.stringify(data)}`)
    process.exit(1)
  }
  console.log(`ok: ${what}`)
}

try {
  const info = await client.getInstrumentsInfo({ category: 'spot', symbol: 'BTCUSDT' })
  check(info.retCode === 0 && info.result?.list?.[0]?.symbol === 'BTCUSDT', 'instruments-info lists BTCUSDT', info)

  const placed = await client.submitOrder({
    category: 'spot',
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    qty: '0.01',
    price: '30000',
    timeInForce: 'GTC',
    orderLinkId
  })
  console.log('placed:', JSON.stringify(placed))
  check(placed.retCode === 0 && placed.result?.orderLinkId === orderLinkId && placed.result?.orderId,
    'create acknowledges the order', placed)
  const orderId = placed.result.orderId

  const queried = await client.getActiveOrders({ category: 'spot', orderLinkId })
  console.log('queried:', JSON.stringify(queried))
  const open = queried.result?.list?.[0]
  check(queried.retCode === 0 && open?.orderId === orderId && open?.orderStatus === 'New' &&
    open?.price === '30000' && open?.side === 'Buy', 'realtime by orderLinkId finds it New', queried)

  const canceled = await client.cancelOrder({ category: 'spot', symbol: 'BTCUSDT', orderLinkId })
  console.log('canceled:', JSON.stringify(canceled))
  check(canceled.retCode === 0 && canceled.result?.orderId === orderId, 'cancel acknowledges it', canceled)

  const after = await client.getActiveOrders({ category: 'spot', orderId })
  console.log('after:', JSON.stringify(after))
  check(after.retCode === 0 && after.result?.list?.[0]?.orderStatus === 'Cancelled',
    'realtime by orderId sees Cancelled', after)

  // A refused request must surface as the venue's error, as on Bybit.
  const again = await client.cancelOrder({ category: 'spot', symbol: 'BTCUSDT', orderLinkId })
  check(again.retCode === 170213, 'second cancel is refused with 170213', again)

  const tickers = await client.getTickers({ category: 'spot', symbol: 'BTCUSDT' })
  const t = tickers.result?.list?.[0]
  check(tickers.retCode === 0 && Number(t?.bid1Price) > 0 && Number(t?.ask1Price) > Number(t?.bid1Price) &&
    Number(t?.lastPrice) > 0, 'tickers quotes BTCUSDT', tickers)

  const book = await client.getOrderbook({ category: 'spot', symbol: 'BTCUSDT', limit: 5 })
  // The walk may move between two calls: the book is checked for its own
  // order, not against the ticker.
  const a = book.result?.a ?? []
  const b = book.result?.b ?? []
  check(book.retCode === 0 && book.result?.s === 'BTCUSDT' && a.length === 5 && b.length === 5 &&
    Number(a[0][0]) > Number(b[0][0]) && Number(a[1][0]) > Number(a[0][0]) && Number(b[1][0]) < Number(b[0][0]),
  'orderbook has five sorted levels a side', book)

  const rested = await client.submitOrder({
    category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '30000', orderLinkId: `${orderLinkId}-r`
  })
  check(rested.retCode === 0, 'a resting order is placed', rested)
  const wallet = await client.getWalletBalance({ accountType: 'UNIFIED', coin: 'USDT,BTC' })
  const usdt = wallet.result?.list?.[0]?.coin?.find(c => c.coin === 'USDT')
  check(wallet.retCode === 0 && wallet.result.list[0].accountType === 'UNIFIED' && Number(usdt?.walletBalance) > 0 &&
    Number(usdt?.locked) >= 300, 'wallet balance shows USDT with the order\'s lock', wallet)

  // A buy priced 1% through the ask fills at the book's price.
  const sweepId = `${orderLinkId}-s`
  const through = (Number(a[0][0]) * 1.01).toFixed(2)
  const sweep = await client.submitOrder({
    category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: through, orderLinkId: sweepId
  })
  check(sweep.retCode === 0, 'a marketable order is placed', sweep)
  const fills = await client.getExecutionList({ category: 'spot', orderLinkId: sweepId })
  const fill = fills.result?.list?.[0]
  check(fills.retCode === 0 && fills.result.list.length >= 1 && fill.orderId === sweep.result.orderId &&
    fill.isMaker === false && Number(fill.execFee) > 0 && fill.feeCurrency === 'BTC' && Number(fill.execPrice) < Number(through),
  'execution list shows the fill with its fee', fills)
  const trades = await client.getPublicTradingHistory({ category: 'spot', symbol: 'BTCUSDT', limit: 1 })
  check(trades.retCode === 0 && trades.result?.list?.[0]?.side === 'Buy', 'recent trades show the buy', trades)

  const history = await client.getHistoricOrders({ category: 'spot', symbol: 'BTCUSDT', limit: 50 })
  const ids = history.result?.list?.map(o => o.orderLinkId) ?? []
  check(history.retCode === 0 && ids.includes(orderLinkId) && ids.includes(sweepId), 'order history lists the orders', history)

  const account = await client.getAccountInfo()
  check(account.retCode === 0 && account.result?.unifiedMarginStatus >= 5, 'account info says UTA', account)
  const key = await client.getQueryApiKey()
  check(key.retCode === 0 && key.result?.uta === 1, 'API key info says UTA', key)
  const coins = await client.getCoinInfo('BTC')
  check(coins.retCode === 0 && coins.result?.rows?.[0]?.coin === 'BTC', 'coin info lists BTC', coins)

  const batch = await client.batchSubmitOrders('spot', [
    { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '30000', orderLinkId: `${orderLinkId}-b1` },
    { symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '1500', orderLinkId: `${orderLinkId}-b2` }
  ])
  check(batch.retCode === 0 && batch.retExtInfo?.list?.every(e => e.code === 0) && batch.result?.list?.length === 2,
    'batch create places both', batch)
  const unbatch = await client.batchCancelOrders('spot', [
    { symbol: 'BTCUSDT', orderLinkId: `${orderLinkId}-b1` },
    { symbol: 'ETHUSDT', orderId: batch.result.list[1].orderId }
  ])
  check(unbatch.retCode === 0 && unbatch.retExtInfo?.list?.every(e => e.code === 0), 'batch cancel cancels both', unbatch)
  console.log('PASS: bybit-api place/query/cancel against xgsim')
} catch (err) {
  console.error('FAIL:', err?.body ? JSON.stringify(err.body) : (err?.message ?? JSON.stringify(err)))
  process.exit(1)
}
