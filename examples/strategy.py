#!/usr/bin/python3
"""A minimal strategy talking to xgated (docs/protocol.md), in Python.

The same flow as examples/strategy.c: a DEALER socket for requests (one
JSON frame each, replies matched by req_id) and a SUB socket for events
([topic, JSON], subscribed to "order.<name>" and "venue"). It first sends
"hello" and waits for its event, so its subscription is live before it
places anything, and asks for the venues' balances. It places a
resting LIMIT buy below the market (with batch_new, which the gateway packs
into the venue's batch request where it has one) and a LIMIT buy above it
that fills; once the venue has acked the resting one it moves its price one
unit down (amend_order) and, once that is told, cancels it; it queries the
other, and prints every reply and event on one line. With XG_BURST=N it places N
more resting orders at once (and cancels them), enough to meet a venue's
order limit: the gateway then paces them and reports rate_limit_wait.

Exit status: 0 when every request got a reply, the resting order ended
CANCELED and the filling one reached an open or final state; 1 if the
gateway refused something; 2 on a 10 s timeout or a usage error.

Usage: strategy.py [REQ_ENDPOINT [PUB_ENDPOINT]]
Environment: XG_REQ, XG_PUB (endpoints), XG_STRATEGY (name, default
"example"), XG_SYMBOL (default BTC/USDT), XG_REST_PRICE and XG_FILL_PRICE
(defaults 30000 and 40000, around xgsim's 35000), XG_BURST (extra resting
orders, default 0), XG_VENUE (route orders to this venue; default: the
gateway's route).

Needs Debian's python3-zmq; JSON is the standard library's. Prices and
quantities are strings on the wire: never build them from floats.
"""
import json
import os
import sys
import time

import zmq

TIMEOUT_S = 10.0
# The hello is sent again if its event has not come back in this long: a
# subscription that was not live yet misses it.
HELLO_S = 0.5
# A subscriber can still lose events (a gateway restart, a full queue), so
# an order that has not moved for this long is queried instead of waited
# for.
REFRESH_S = 1.0
FINAL = {"FILLED", "CANCELED", "REJECTED", "EXPIRED"}
OPEN = {"NEW", "PARTIALLY_FILLED"}


def env(name, default):
    value = os.environ.get(name, "")
    return value if value else default


class Order:
    def __init__(self, role, client_id, price):
        self.role = role
        self.id = client_id
        self.price = price
        self.status = ""
        self.changed = time.monotonic()
        self.cancel_sent = False
        self.refresh_req = None
        # The first resting order is amended before its cancel.
        self.amend_sent = False
        self.amend_req = None
        self.amend_done = False


class Strategy:
    def __init__(self, req_ep, pub_ep):
        self.name = env("XG_STRATEGY", "example")
        self.topic = "order." + self.name
        self.ctx = zmq.Context()
        self.req = self.ctx.socket(zmq.DEALER)
        self.sub = self.ctx.socket(zmq.SUB)
        for sock in (self.req, self.sub):
            sock.setsockopt(zmq.LINGER, 0)
        self.sub.setsockopt(zmq.SUBSCRIBE, self.topic.encode())
        self.sub.setsockopt(zmq.SUBSCRIBE, b"venue")
        self.sub.connect(pub_ep)
        self.req.connect(req_ep)
        self.pending = set()
        self.next_req = 0
        # The gateway process we talk to (docs/protocol.md, Restarts) and
        # whether our subscription to it is known to be live.
        self.start_id = None
        self.hello_req = None
        self.hello_sent = 0.0
        self.live = False
        self.placed = False
        self.refused = False
        self.query_sent = False
        # Client ids must be unique per gateway across runs: time and pid.
        stem = "py%x%d" % (int(time.time()), os.getpid())
        rest_price = int(env("XG_REST_PRICE", "30000"))
        burst = int(env("XG_BURST", "0"))
        # Each resting order one unit lower, so they are told apart in logs.
        self.rests = [Order("rest", "%sR%d" % (stem, i), str(rest_price - i))
                      for i in range(1 + burst)]
        self.fill = Order("fill", stem + "F", env("XG_FILL_PRICE", "40000"))
        self.orders = {o.id: o for o in self.rests + [self.fill]}

    def send(self, request):
        self.next_req += 1
        req_id = "r%d" % self.next_req
        request["req_id"] = req_id
        text = json.dumps(request, separators=(",", ":"))
        self.req.send(text.encode())
        self.pending.add(req_id)
        print("send   %s %s" % (req_id, text))
        return req_id

    def new_fields(self, order):
        fields = {
            "strategy": self.name, "client_order_id": order.id,
            "symbol": env("XG_SYMBOL", "BTC/USDT"), "side": "BUY",
            "order_type": "LIMIT", "tif": "GTC", "qty": "0.001",
            "price": order.price}
        venue = env("XG_VENUE", "")
        if venue:
            fields["venues"] = [venue]
        return fields

    def send_new(self, order):
        request = self.new_fields(order)
        request["type"] = "new_order"
        return self.send(request)

    def send_batch(self, orders):
        """batch_new, at most 50 orders a request."""
        for i in range(0, len(orders), 50):
            self.send({"type": "batch_new", "orders": [
                self.new_fields(o) for o in orders[i:i + 50]]})

    def send_amend(self, order):
        # One unit lower: prices stay strings, computed as integers.
        order.price = str(int(order.price) - 1)
        return self.send({"type": "amend_order", "strategy": self.name,
                          "client_order_id": order.id,
                          "price": order.price})

    def send_by_id(self, kind, order):
        return self.send({"type": kind, "strategy": self.name,
                          "client_order_id": order.id})

    def hello(self):
        self.hello_req = self.send({"type": "hello", "strategy": self.name})
        self.hello_sent = time.monotonic()

    def note_start(self, start_id):
        """A new start_id: the gateway restarted and we may have missed
        events. Confirm the subscription again and re-query every order
        that is not final."""
        if not start_id or start_id == self.start_id:
            return
        if self.start_id is not None:
            print("gateway restarted (%s -> %s): re-querying" % (
                self.start_id, start_id))
            self.live = False
            self.hello()
            for o in self.orders.values():
                if o.status not in FINAL:
                    o.changed = 0.0
        self.start_id = start_id

    def update(self, order_obj):
        order = self.orders.get(order_obj.get("client_order_id"))
        status = order_obj.get("status", "")
        if order is None or not status:
            return
        # Replies and events travel on different sockets, so an older
        # event can arrive after a newer reply; final never goes back.
        if order.status in FINAL and status not in FINAL:
            return
        if status != order.status:
            order.status = status
            order.changed = time.monotonic()
        if status == "REJECTED":
            self.refused = True

    @staticmethod
    def order_line(prefix, o):
        line = "%s %s %s %s %s @ %s status=%s venue=%s filled=%s" % (
            prefix, o.get("client_order_id"), o.get("side"), o.get("qty"),
            o.get("symbol"), o.get("price", "MARKET"), o.get("status"),
            o.get("venue"), o.get("filled_qty"))
        err = o.get("error")
        if err:
            line += " error=%s (%s)" % (err.get("name"), err.get("message"))
        print(line)

    def on_reply(self, data):
        try:
            msg = json.loads(data)
        except ValueError as exc:
            print("reply  (not JSON: %s)" % exc)
            self.refused = True
            return
        req_id = msg.get("req_id", "")
        self.pending.discard(req_id)
        self.note_start(msg.get("start_id"))
        prefix = "reply  " + req_id
        if not msg.get("ok"):
            err = msg.get("error", {})
            print("%s refused %s: %s %s (%s)" % (
                prefix, msg.get("client_order_id"), err.get("code"),
                err.get("name"), err.get("message")))
            self.refused = True
            if req_id == self.rests[0].amend_req:
                self.rests[0].amend_done = True  # refused: cancel anyway
        elif "order" in msg:
            if msg.get("amend"):
                prefix += " amend=" + msg["amend"]
            self.order_line(prefix, msg["order"])
            self.update(msg["order"])
        elif "results" in msg:
            for result in msg["results"]:
                if result.get("ok"):
                    self.order_line(prefix, result["order"])
                    self.update(result["order"])
                else:
                    err = result.get("error", {})
                    print("%s refused %s: %s (%s)" % (
                        prefix, result.get("client_order_id"),
                        err.get("name"), err.get("message")))
                    self.refused = True
        elif "balances" in msg:
            for v in msg["balances"]:
                print("%s balances %s age_ms=%s refreshing=%s %s" % (
                    prefix, v.get("venue"), v.get("age_ms"),
                    v.get("refreshing"), " ".join(
                        "%s=%s+%s" % (a.get("asset"), a.get("free"),
                                      a.get("locked"))
                        for a in v.get("assets", []))))
        elif "venues" in msg:
            print("%s venues: %s" % (prefix, " ".join(
                "%s=%s" % (v.get("name"), v.get("state"))
                for v in msg["venues"])))
        else:
            print(prefix + " ok")

    def on_event(self, topic, data):
        # Prefix matching would also deliver "order.<name>x".
        if topic not in (self.topic, "venue"):
            return
        try:
            msg = json.loads(data)
        except ValueError as exc:
            print("event  %s (not JSON: %s)" % (topic, exc))
            return
        self.note_start(msg.get("start_id"))
        kind = msg.get("type")
        if kind == "hello":
            if msg.get("req_id") == self.hello_req:
                self.live = True
                print("event  %s hello: subscription live" % topic)
        elif kind == "order":
            self.order_line("event  %s %s" % (topic, msg.get("event")),
                            msg["order"])
            self.update(msg["order"])
            if msg.get("event") in ("amended", "replaced", "amend_rejected"):
                rest = self.orders.get(msg["order"].get("client_order_id"))
                if rest is not None:
                    rest.amend_done = True
        elif kind == "venue":
            v = msg.get("venue", {})
            print("event  venue %s %s %s" % (v.get("name"), v.get("state"),
                                             v.get("reason")))
        elif kind == "rerouted":
            print("event  %s rerouted %s %s -> %s (%s)" % (
                topic, msg.get("client_order_id"), msg.get("from"),
                msg.get("to"), msg.get("reason")))
        elif kind == "rate_limit_wait":
            print("event  %s rate_limit_wait %s on %s for %s ms (%s)" % (
                topic, msg.get("client_order_id"), msg.get("venue"),
                msg.get("wait_ms"), msg.get("reason")))
        else:
            print("event  %s %s" % (topic, kind))

    def advance(self):
        """Send what the state calls for; True when the run is complete."""
        if not self.live:
            if time.monotonic() - self.hello_sent > HELLO_S:
                self.hello()
            return False
        if not self.placed:
            self.placed = True
            self.send_batch(self.rests)
            self.send_new(self.fill)
        fill = self.fill
        first = self.rests[0]
        if first.status in OPEN and not first.amend_sent:
            first.amend_sent = True
            first.amend_req = self.send_amend(first)
        for rest in self.rests:
            amended = rest is not first or rest.amend_done
            if rest.status in OPEN and amended and not rest.cancel_sent:
                rest.cancel_sent = True
                self.send_by_id("cancel_order", rest)
        if (fill.status in OPEN or fill.status in FINAL) and \
                not self.query_sent:
            self.query_sent = True
            self.send_by_id("query_order", fill)
        now = time.monotonic()
        for o in self.rests + [fill]:
            settled = o.status in FINAL or (
                o.status in OPEN and (o is fill or not o.cancel_sent))
            if not settled and now - o.changed > REFRESH_S and \
                    o.refresh_req not in self.pending:
                o.changed = now
                o.refresh_req = self.send_by_id("query_order", o)
        return (not self.pending and
                all(r.status in FINAL for r in self.rests) and
                (fill.status in OPEN or fill.status in FINAL) and
                self.query_sent)

    def run(self):
        start = time.monotonic()
        self.send({"type": "venue_status"})
        self.send({"type": "balances"})
        self.hello()
        poller = zmq.Poller()
        poller.register(self.req, zmq.POLLIN)
        poller.register(self.sub, zmq.POLLIN)
        while True:
            left = TIMEOUT_S - (time.monotonic() - start)
            if left <= 0:
                print("strategy: timeout after %d s; rest=%s fill=%s" % (
                    TIMEOUT_S, self.rest_summary(),
                    self.fill.status or "(no reply)"), file=sys.stderr)
                return 2
            ready = dict(poller.poll(int(min(left, 0.2) * 1000)))
            if self.req in ready:
                while True:
                    try:
                        frames = self.req.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    self.on_reply(frames[-1])
            if self.sub in ready:
                while True:
                    try:
                        frames = self.sub.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    if len(frames) == 2:
                        self.on_event(frames[0].decode("ascii", "replace"),
                                      frames[1])
            sys.stdout.flush()
            if self.advance():
                print("done   rest=%s fill=%s" % (self.rest_summary(),
                                                  self.fill.status))
                ok = not self.refused and all(
                    r.status == "CANCELED" for r in self.rests)
                return 0 if ok else 1

    def rest_summary(self):
        return ",".join(r.status or "(no reply)" for r in self.rests)

    def close(self):
        self.req.close()
        self.sub.close()
        self.ctx.term()


def main(argv):
    if len(argv) > 3:
        print("usage: %s [REQ_ENDPOINT [PUB_ENDPOINT]]" % argv[0],
              file=sys.stderr)
        return 2
    req_ep = argv[1] if len(argv) > 1 else env("XG_REQ",
                                                 "tcp://127.0.0.1:5555")
    pub_ep = argv[2] if len(argv) > 2 else env("XG_PUB",
                                                 "tcp://127.0.0.1:5556")
    strategy = Strategy(req_ep, pub_ep)
    try:
        return strategy.run()
    finally:
        strategy.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
