// Third-party client check: the unmodified @binance/connector (pinned in
// package.json) places a LIMIT order on xgsim, queries it and cancels it.
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
  console.log('PASS: @binance/connector place/query/cancel against xgsim')
} catch (err) {
  console.error('FAIL:', err.response ? `${err.response.status} ${JSON.stringify(err.response.data)}` : String(err))
  process.exit(1)
}
