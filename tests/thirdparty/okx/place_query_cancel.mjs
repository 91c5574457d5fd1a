// Third-party client check: the unmodified okx-api (pinned in package.json)
// places a LIMIT order on xgsim's OKX v5 dialect, queries it by clOrdId and
// cancels it; then reads the ticker, the book and the balance, places a
// batch (one resting order, one that takes from the book), finds the
// taker's fill in the fill history and cancels the resting one in a
// batch. Only options the library offers are used: baseUrl and the keys
// with passphrase.
// Usage: BASE_URL=http://127.0.0.1:PORT node place_query_cancel.mjs
// Prints each answer; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import { RestClient } from 'okx-api'

const baseUrl = process.env.BASE_URL
if (!baseUrl) {
  console.error('place_query_cancel: BASE_URL is not set')
  process.exit(2)
}
const client = new RestClient({
  apiKey: 'xgsim-test-key',
  apiSecret: 'xgsim-test-secret',
  apiPass: 'xgsim-test-pass',
  baseUrl
})
// OKX client ids are [A-Za-z0-9]{1,32}: no dash here.
const clOrdId = `tp${Date.now()}`
const instId = 'BTC-USDT'

function check (cond, what, data) {
  if (!cond) {
    console.error(`FAIL: ${what}: ${JSON.stringify(data)}`)
    process.exit(1)
  }
  console.log(`ok: ${what}`)
}

try {
  const instruments = await client.getInstruments({ instType: 'SPOT', instId })
  check(instruments?.[0]?.instId === instId, 'instruments lists BTC-USDT', instruments)

  const placed = await client.submitOrder({
    instId, tdMode: 'cash', side: 'buy', ordType: 'limit', px: '30000', sz: '0.01', clOrdId
  })
  console.log('placed:', JSON.stringify(placed))
  check(placed?.[0]?.sCode === '0' && placed[0].clOrdId === clOrdId && placed[0].ordId,
    'place acknowledges the order', placed)
  const ordId = placed[0].ordId

  const queried = await client.getOrderDetails({ instId, clOrdId })
  console.log('queried:', JSON.stringify(queried))
  const open = queried?.[0]
  check(open?.ordId === ordId && open?.state === 'live' && open?.px === '30000' && open?.side === 'buy',
    'query by clOrdId finds it live', queried)

  const canceled = await client.cancelOrder({ instId, clOrdId })
  console.log('canceled:', JSON.stringify(canceled))
  check(canceled?.[0]?.sCode === '0' && canceled[0].ordId === ordId, 'cancel acknowledges it', canceled)

  const after = await client.getOrderDetails({ instId, ordId })
  console.log('after:', JSON.stringify(after))
  check(after?.[0]?.state === 'canceled', 'query by ordId sees canceled', after)

  // A refused request must surface as the venue's error, as on OKX: the
  // library throws the body when code is not "0".
  let refused = null
  try {
    await client.cancelOrder({ instId, clOrdId })
  } catch (err) {
    refused = err
  }
  check(refused?.code === '1' && refused?.data?.[0]?.sCode === '51401',
    'second cancel is refused with sCode 51401', refused ?? 'it succeeded')

  const ticker = await client.getTicker({ instId })
  console.log('ticker:', JSON.stringify(ticker))
  const bid = Number(ticker?.[0]?.bidPx)
  const ask = Number(ticker?.[0]?.askPx)
  check(bid > 0 && ask > bid && Number(ticker[0].last) > 0, 'ticker has bid < ask and a last price', ticker)

  const book = await client.getOrderBook({ instId, sz: '5' })
  const asks = book?.[0]?.asks ?? []
  const bids = book?.[0]?.bids ?? []
  check(asks.length === 5 && bids.length === 5 && Number(bids[0][0]) < Number(asks[0][0]) &&
    asks.every(l => l.length === 4 && Number(l[1]) > 0),
  'book has five [px, sz, 0, orders] levels a side that do not cross', book)

  const balance = await client.getBalance({ ccy: 'USDT' })
  const usdt = balance?.[0]?.details?.find(d => d.ccy === 'USDT')
  check(Number(usdt?.availBal) > 0 && usdt?.frozenBal !== undefined && usdt?.cashBal !== undefined,
    'balance shows availBal, frozenBal and cashBal for USDT', balance)

  // The walk runs here: the taker is priced 1% above the ask so it fills
  // whatever the next step did; it pays the book's price, not its own.
  const restId = `tr${Date.now()}`
  const takeId = `tt${Date.now()}`
  const takePx = (Math.ceil(ask * 1.01 * 10) / 10).toFixed(1)
  const batch = await client.submitMultipleOrders([
    { instId, tdMode: 'cash', side: 'buy', ordType: 'limit', px: '30000', sz: '0.01', clOrdId: restId },
    { instId, tdMode: 'cash', side: 'buy', ordType: 'limit', px: takePx, sz: '0.001', clOrdId: takeId }
  ])
  console.log('batch:', JSON.stringify(batch))
  check(batch?.length === 2 && batch.every(o => o.sCode === '0' && o.ordId), 'batch places both orders', batch)
  const takeOrdId = batch[1].ordId

  const fills = await client.getFills({ instType: 'SPOT', instId })
  const fill = fills?.find(f => f.ordId === takeOrdId)
  console.log('fill:', JSON.stringify(fill))
  check(fill !== undefined && Number(fill.fillPx) > 0 && Number(fill.fillPx) < Number(takePx) &&
    Number(fill.fillSz) > 0 && Number(fill.fee) < 0 && fill.feeCcy === 'BTC' && fill.execType === 'T' &&
    fill.billId && fill.tradeId, 'fill history shows the taker fill with its negative fee', fills)

  const batchCanceled = await client.cancelMultipleOrders([{ instId, clOrdId: restId }])
  check(batchCanceled?.[0]?.sCode === '0' && batchCanceled[0].ordId === batch[0].ordId,
    'batch cancel cancels the resting order', batchCanceled)
  console.log('PASS: okx-api place/query/cancel, market data, balance, batch and fills against xgsim')
} catch (err) {
  console.error('FAIL:', err?.message ?? JSON.stringify(err))
  process.exit(1)
}
