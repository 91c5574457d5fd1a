// Third-party client check: the unmodified okx-api (pinned in package.json)
// places a LIMIT order on xgsim's OKX v5 dialect, queries it by clOrdId and
// cancels it. Only options the library offers are used: baseUrl and the
// keys with passphrase.
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
  console.log('PASS: okx-api place/query/cancel against xgsim')
} catch (err) {
  console.error('FAIL:', err?.message ?? JSON.stringify(err))
  process.exit(1)
}
