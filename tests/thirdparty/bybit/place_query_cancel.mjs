// Third-party client check: the unmodified bybit-api (pinned in
// package.json) places a LIMIT order on xgsim's Bybit v5 dialect, queries it
// by orderLinkId and cancels it. Only options the library offers are used:
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
  console.log('PASS: bybit-api place/query/cancel against xgsim')
} catch (err) {
  console.error('FAIL:', err?.body ? JSON.stringify(err.body) : (err?.message ?? JSON.stringify(err)))
  process.exit(1)
}
