"""A small Stripe on 127.0.0.1 for the tests: the API calls dj-stripe and billing.services make
(account, customers, subscriptions, prices, products, invoices, Checkout and portal sessions),
plus a stand-in Checkout page that "pays" and sends the browser to the success URL. The real
`stripe` library talks to it over HTTP (stripe.api_base points here); nothing is patched.

It also signs webhook payloads the way Stripe does: header `t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<payload>" with the endpoint secret>`.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

DAY = 86400
API_VERSION = "2026-05-27.dahlia"


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_payload(event_type: str, obj: dict, *, event_id: str, created: int) -> str:
    return json.dumps({
        "id": event_id, "object": "event", "api_version": API_VERSION, "created": created,
        "data": {"object": obj}, "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None}, "type": event_type,
    })


def _form(body: str) -> dict:
    """Stripe's form encoding (metadata[user_id]=1, line_items[0][price]=x) back into dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if isinstance(node, dict):
            if node and all(k.isdigit() for k in node):
                return [lists(node[k]) for k in sorted(node, key=int)]
            return {k: lists(v) for k, v in node.items()}
        return node

    return lists(root)


def _list(data: list, url: str) -> dict:
    return {"object": "list", "data": data, "has_more": False, "url": url}


class FakeStripe:
    def __init__(self):
        self.url = ""
        self.account = {
            "id": "acct_1FakeStripeAccount", "object": "account", "type": "standard", "country": "US",
            "email": "billing@pingtopass.test", "default_currency": "usd", "charges_enabled": True,
            "payouts_enabled": True, "details_submitted": True, "created": int(time.time()) - 400 * DAY,
            "business_profile": {"name": "PingToPass"}, "settings": {"dashboard": {"display_name": "PingToPass"}},
            "metadata": {},
        }
        self.objects: dict[str, dict[str, dict]] = {
            "customers": {}, "subscriptions": {}, "prices": {}, "products": {}, "invoices": {}, "checkout/sessions": {},
        }
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, form)
        self.unknown: list[str] = []
        self.fail_with: int | None = None  # answer every API call with this status (Stripe is down)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> "FakeStripe":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}FakeStripe"

    def calls(self, method: str, prefix: str) -> list[dict]:
        return [form for m, path, form in self.requests if m == method and path.startswith(prefix)]

    # --- objects ------------------------------------------------------------------------------
    def add_price(self, price_id: str, *, amount: int, interval: str) -> dict:
        product = {"id": "prod_PingToPassPro", "object": "product", "name": "PingToPass Pro", "active": True,
                   "created": int(time.time()) - 300 * DAY, "livemode": False, "metadata": {}, "type": "service"}
        self.objects["products"][product["id"]] = product
        price = {
            "id": price_id, "object": "price", "active": True, "currency": "usd", "unit_amount": amount,
            "unit_amount_decimal": str(amount), "product": product["id"], "type": "recurring",
            "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
            "billing_scheme": "per_unit", "created": int(time.time()) - 300 * DAY, "livemode": False, "metadata": {},
            "nickname": None, "lookup_key": None, "tax_behavior": "unspecified", "tiers_mode": None,
            "transform_quantity": None,
        }
        self.objects["prices"][price_id] = price
        return price

    def add_customer(self, *, email: str, metadata: dict | None = None) -> dict:
        customer = {
            "id": self.new_id("cus"), "object": "customer", "email": email, "name": None, "livemode": False,
            "created": int(time.time()), "metadata": metadata or {}, "balance": 0, "currency": "usd",
            "default_source": None, "delinquent": False, "description": None, "discount": None,
            "invoice_prefix": "PTP", "invoice_settings": {"default_payment_method": None, "custom_fields": None, "footer": None},
            "preferred_locales": [], "shipping": None, "tax_exempt": "none", "address": None, "phone": None,
        }
        self.objects["customers"][customer["id"]] = customer
        return customer

    def add_subscription(self, *, customer: str, price: str, status: str = "active", trial_days: int = 0,
                         period_days: int = 30, metadata: dict | None = None) -> dict:
        now = int(time.time())
        sid = self.new_id("sub")
        period_end = now + (trial_days or period_days) * DAY
        subscription = {
            "id": sid, "object": "subscription", "customer": customer, "status": status, "livemode": False,
            "created": now, "start_date": now, "billing_cycle_anchor": period_end if trial_days else now,
            "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None, "ended_at": None,
            "trial_start": now if trial_days else None, "trial_end": period_end if trial_days else None,
            "collection_method": "charge_automatically", "currency": "usd", "metadata": metadata or {},
            "default_payment_method": None, "default_source": None, "latest_invoice": None, "schedule": None,
            "discounts": [], "pending_setup_intent": None, "pending_update": None, "test_clock": None,
            "items": _list([{
                "id": self.new_id("si"), "object": "subscription_item", "subscription": sid, "created": now,
                "price": self.objects["prices"][price], "quantity": 1, "metadata": {},
                "current_period_start": now, "current_period_end": period_end, "discounts": [], "tax_rates": [],
            }], f"/v1/subscription_items?subscription={sid}"),
        }
        self.objects["subscriptions"][sid] = subscription
        return subscription

    def update_subscription(self, sid: str, **changes) -> dict:
        subscription = self.objects["subscriptions"][sid]
        period_end = changes.pop("current_period_end", None)
        subscription.update(changes)
        if period_end is not None:
            subscription["items"]["data"][0]["current_period_end"] = period_end
        return subscription

    def add_invoice(self, *, subscription: str, status: str = "paid", amount: int = 1200) -> dict:
        sub = self.objects["subscriptions"][subscription]
        now = int(time.time())
        number = f"PTP-{next(self._ids):04d}"
        invoice = {
            "id": self.new_id("in"), "object": "invoice", "customer": sub["customer"], "livemode": False,
            "created": now, "status": status, "number": number, "currency": "usd", "total": amount,
            "subtotal": amount, "amount_due": amount, "amount_paid": amount if status == "paid" else 0,
            "amount_remaining": 0 if status == "paid" else amount, "attempt_count": 1,
            "billing_reason": "subscription_cycle", "collection_method": "charge_automatically",
            "hosted_invoice_url": f"https://invoice.stripe.test/{number}", "invoice_pdf": f"https://invoice.stripe.test/{number}.pdf",
            "paid": status == "paid", "period_start": now - 30 * DAY, "period_end": now, "metadata": {},
            "parent": {"type": "subscription_details", "subscription_details": {"subscription": subscription, "metadata": {}}},
            "lines": _list([], "/v1/invoices/lines"), "discounts": [], "default_payment_method": None,
            "footer": None, "webhooks_delivered_at": now, "due_date": None, "receipt_number": None,
        }
        self.objects["invoices"][invoice["id"]] = invoice
        return invoice

    def complete_checkout(self, session_id: str) -> dict:
        """What Stripe does when the learner pays: the subscription exists and the session completes."""
        session = self.objects["checkout/sessions"][session_id]
        form = session["_form"]
        subscription_data = form.get("subscription_data", {})
        subscription = self.add_subscription(
            customer=session["customer"], price=form["line_items"][0]["price"],
            status="trialing" if subscription_data.get("trial_period_days") else "active",
            trial_days=int(subscription_data.get("trial_period_days", 0)), metadata=subscription_data.get("metadata"),
        )
        session.update(status="complete", payment_status="paid", subscription=subscription["id"])
        return session

    # --- the API ------------------------------------------------------------------------------
    def api(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")[1:]  # drop "v1"
        if parts == ["account"]:
            return 200, self.account
        if parts == ["customers"] and method == "POST":
            return 200, self.add_customer(email=form.get("email", ""), metadata=form.get("metadata"))
        if parts == ["checkout", "sessions"] and method == "POST":
            sid = self.new_id("cs_test")
            session = {
                "id": sid, "object": "checkout.session", "mode": form["mode"], "customer": form.get("customer"),
                "client_reference_id": form.get("client_reference_id"), "status": "open", "payment_status": "unpaid",
                "subscription": None, "success_url": form["success_url"], "cancel_url": form["cancel_url"],
                "url": f"{self.url}/checkout/{sid}", "livemode": False, "created": int(time.time()), "metadata": {},
                "currency": "usd", "amount_total": None, "line_items": _list([], f"/v1/checkout/sessions/{sid}/line_items"),
                "_form": form,
            }
            self.objects["checkout/sessions"][sid] = session
            return 200, session
        if parts == ["billing_portal", "sessions"] and method == "POST":
            bps = self.new_id("bps")
            return 200, {"id": bps, "object": "billing_portal.session", "customer": form["customer"],
                         "return_url": form.get("return_url"), "url": f"{self.url}/portal/{bps}", "livemode": False}
        if parts == ["subscriptions"] and method == "GET":
            found = [
                {k: v for k, v in sub.items() if not k.startswith("_")}
                for sub in self.objects["subscriptions"].values()
                if sub["customer"] == form.get("customer") and form.get("status", "all") in ("all", sub["status"])
            ]
            return 200, _list(found, path)
        if len(parts) == 3 and parts[0] == "products" and parts[2] == "features":
            return 200, _list([], path)  # entitlement features: PingToPass keeps its own
        kind, obj_id = "/".join(parts[:-1]), parts[-1]
        found = self.objects.get(kind, {}).get(obj_id)
        if found is None:
            self.unknown.append(f"{method} {path}")
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such object: '{obj_id}'", "param": "id"}}
        if method == "POST":
            found.update({k: v for k, v in form.items() if k in ("metadata", "cancel_at_period_end")})
            if "cancel_at_period_end" in form:
                found["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
        elif method == "DELETE" and kind == "subscriptions":
            found.update(status="canceled", canceled_at=int(time.time()), ended_at=int(time.time()))
        return 200, {k: v for k, v in found.items() if not k.startswith("_")}


def _handler(stripe: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, status: int, body: str, content_type: str = "application/json", location: str = ""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_fake")
            if status >= 500:
                self.send_header("Stripe-Should-Retry", "false")  # fail at once rather than after backoff
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = _form(body or url.query)
            with stripe._lock:
                stripe.requests.append((method, url.path, form))
                if url.path.startswith("/checkout/"):
                    return self._checkout_page(method, url.path)
                if url.path.startswith("/portal/"):
                    return self._send(200, "<!doctype html><title>Stripe portal</title><h1>Fake customer portal</h1>", "text/html")
                if stripe.fail_with:
                    return self._send(stripe.fail_with, json.dumps({"error": {"type": "api_error", "message": "Stripe is down"}}))
                status, payload = stripe.api(method, url.path, form)
            self._send(status, json.dumps(payload))

        def _checkout_page(self, method: str, path: str):
            session_id = path.split("/")[2]
            session = stripe.objects["checkout/sessions"].get(session_id)
            if session is None:
                return self._send(404, "no such checkout", "text/plain")
            if method == "POST" and path.endswith("/pay"):
                stripe.complete_checkout(session_id)
                return self._send(303, "", "text/plain", location=session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
            price = stripe.objects["prices"][session["_form"]["line_items"][0]["price"]]
            page = (
                "<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body>"
                f"<h1>Pay PingToPass</h1><p>Pro, {price['unit_amount'] / 100:.2f} USD a {price['recurring']['interval']}</p>"
                f"<form method='post' action='/checkout/{session_id}/pay'><button type='submit'>Pay</button></form>"
                f"<a href='{session['cancel_url']}'>Back</a></body></html>"
            )
            return self._send(200, page, "text/html")

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def do_DELETE(self):
            self._handle("DELETE")

    return Handler
