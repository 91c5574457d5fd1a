#!/usr/bin/python3
"""Vectors xgate adds to the shared set, for cases the shared set lacks.

Each is computed here from the venue's documented recipe with Python's
hmac, not by an adapter, and written into <venue>.json after the shared
vectors (ids "<venue>-x-NN"; rerunning replaces them). The shared vectors
themselves are never touched.

    /usr/bin/python3 tests/data/vectors/extra.py
"""
import base64
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def mac(secret, text):
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()


def bybit_get(creds, vid, operation, description, path, ts, params):
    # GET values are sent unescaped, as pybit and ccxt send them.
    query = "&".join(f"{k}={v}" for k, v in params)
    prehash = f"{ts}{creds['api_key']}5000{query}"
    sig = mac(creds["secret"], prehash).hex()
    return {
        "id": vid, "operation": operation, "description": description,
        "input": {"method": "GET", "path": path, "timestamp_ms": ts,
                  "recv_window_ms": 5000, "params": params},
        "prehash": prehash, "algorithm": "HMAC-SHA256", "encoding": "hex",
        "signature": sig,
        "expected_request": {
            "method": "GET", "url": f"https://api.bybit.com{path}?{query}",
            "headers": {"Content-Type": "application/json",
                        "X-BAPI-API-KEY": creds["api_key"],
                        "X-BAPI-TIMESTAMP": str(ts),
                        "X-BAPI-RECV-WINDOW": "5000",
                        "X-BAPI-SIGN": sig},
            "body": None}}


# KuCoin's flags are JSON booleans in the body, as ccxt and KuCoin's own
# SDK send them; every other value is a JSON string.
KUCOIN_BOOLEANS = {"postOnly", "hidden", "iceberg"}


def kucoin_post(creds, vid, operation, description, path, ts, params):
    members = []
    for k, v in params:
        value = v if k in KUCOIN_BOOLEANS else json.dumps(v)
        members.append(f"{json.dumps(k)}:{value}")
    body = "{" + ",".join(members) + "}"
    prehash = f"{ts}POST{path}{body}"
    sig = base64.b64encode(mac(creds["secret"], prehash)).decode()
    signed_pass = base64.b64encode(
        mac(creds["secret"], creds["passphrase"])).decode()
    return {
        "id": vid, "operation": operation, "description": description,
        "input": {"method": "POST", "path": path, "path_template": path,
                  "timestamp_ms": ts, "params": params},
        "prehash": prehash, "algorithm": "HMAC-SHA256", "encoding": "base64",
        "signature": sig, "passphrase_prehash": creds["passphrase"],
        "signed_passphrase": signed_pass,
        "expected_request": {
            "method": "POST", "url": f"https://api.kucoin.com{path}",
            "headers": {"KC-API-KEY-VERSION": "2",
                        "KC-API-KEY": creds["api_key"],
                        "KC-API-TIMESTAMP": str(ts),
                        "Content-Type": "application/json",
                        "KC-API-PASSPHRASE": signed_pass,
                        "KC-API-SIGN": sig},
            "body": body}}


def extras(venue, creds):
    if venue == "bybit":
        return [
            bybit_get(creds, "bybit-x-01", "query_balance",
                      "wallet balance of two coins: the comma is sent and "
                      "signed unescaped", "/v5/account/wallet-balance",
                      1700000003000,
                      [["accountType", "UNIFIED"], ["coin", "USDT,BTC"]]),
            bybit_get(creds, "bybit-x-02", "open_orders",
                      "next page of open orders: the cursor is sent as the "
                      "venue handed it out, already percent-encoded",
                      "/v5/order/realtime", 1700000004000,
                      [["category", "spot"], ["symbol", "BTCUSDT"],
                       ["limit", "50"],
                       ["cursor", "page_args%3D1234%26symbol%3DBTCUSDT"]]),
        ]
    if venue == "kucoin":
        return [
            kucoin_post(creds, "kucoin-x-01", "create_order",
                        "post-only limit buy: postOnly is a JSON boolean",
                        "/api/v1/hf/orders", 1700000005000,
                        [["clientOid", "gw-0005"], ["side", "buy"],
                         ["symbol", "BTC-USDT"], ["type", "limit"],
                         ["price", "35000.5"], ["size", "0.001"],
                         ["timeInForce", "GTC"], ["postOnly", "true"]]),
            kucoin_post(creds, "kucoin-x-02", "create_order",
                        "iceberg limit sell: hidden and iceberg are JSON "
                        "booleans, visibleSize a string",
                        "/api/v1/hf/orders", 1700000006000,
                        [["clientOid", "gw-0006"], ["side", "sell"],
                         ["symbol", "BTC-USDT"], ["type", "limit"],
                         ["price", "36000"], ["size", "0.01"],
                         ["timeInForce", "GTC"], ["hidden", "false"],
                         ["iceberg", "true"], ["visibleSize", "0.001"]]),
        ]
    return []


def main():
    for venue in ("bybit", "kucoin"):
        path = os.path.join(HERE, f"{venue}.json")
        with open(path) as f:
            data = json.load(f)
        prefix = f"{venue}-x-"
        data["vectors"] = [v for v in data["vectors"]
                           if not v["id"].startswith(prefix)]
        data["vectors"] += extras(venue, data["credentials"])
        with open(path, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
