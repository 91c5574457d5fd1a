// Third-party client check: KuCoin's official, unmodified
// kucoin-universal-sdk (pinned in package.json) places a LIMIT order on
// xgsim's KuCoin HF dialect, queries it by clientOid and cancels it. Only
// options the library offers are used: the spot endpoint and the keys.
// Usage: BASE_URL=http://127.0.0.1:PORT node place_query_cancel.mjs
// Prints each answer; exits non-zero on the first failure. Uses xgsim's
// built-in test account (docs/simulator.md), never real credentials.
import { ClientOptionBuilder, DefaultClient, Spot } from 'kucoin-universal-sdk'

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
  console.log('PASS: kucoin-universal-sdk place/query/cancel against xgsim')
} catch (err) {
  const body = err?.getError?.()?.response?.data
  console.error('FAIL:', String(err), body ? JSON.stringify(body) : '')
  process.exit(1)
}
