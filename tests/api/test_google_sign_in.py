"""An app signs in with Google: it sends the ID token Google gave it to allauth's provider-token
flow (POST /_allauth/app/v1/auth/provider/token) and gets the API's tokens. The site checks the
ID token's signature against Google's keys, here served by a server of the test's own on
127.0.0.1 in the format of Google's certificate endpoint ({key id: PEM certificate}, what allauth's
Google provider reads); the site runs under gunicorn with its Google provider pointed there
(tests/api/google_settings.py). A token signed with any other key, or for another app, is refused."""

import datetime
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.servers import gunicorn_server, manage, site_env

pytestmark = pytest.mark.slow

CLIENT_ID = "1234-test.apps.googleusercontent.com"
KID = "test-key-1"
ISSUER = "https://accounts.google.com"


def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate_pem(key) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test google signing key")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


class GoogleCerts:
    """Google's certificate endpoint on 127.0.0.1: the keys it publishes, and how often it was asked."""

    def __init__(self, published: dict[str, str]):
        self.published = published
        self.requests = 0
        certs = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 -- http.server's name
                certs.requests += 1
                body = json.dumps(certs.published).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/oauth2/v1/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def id_token(key, *, audience=CLIENT_ID, email="new.googler@example.com", kid=KID) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": audience, "sub": "110169484474386276334", "email": email, "email_verified": True,
              "name": "New Googler", "iat": now, "exp": now + 600}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def google_key():
    return signing_key()


@pytest.fixture
def site(tmp_path, google_key):
    certs = GoogleCerts({KID: certificate_pem(google_key)})
    env = site_env(tmp_path, workers=1, DJANGO_SETTINGS_MODULE="tests.api.google_settings",
                   GOOGLE_CERTS_URL=certs.url, GOOGLE_CLIENT_ID=CLIENT_ID, GOOGLE_CLIENT_SECRET="not-used-by-apps")
    manage(env, "migrate", "-v0")
    try:
        with gunicorn_server(env, tmp_path) as (base, _):
            yield base, certs
    finally:
        certs.stop()


def call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def provider_token(base: str, token: str, *, client_id: str = CLIENT_ID) -> tuple[int, dict]:
    return call(base, "POST", "/_allauth/app/v1/auth/provider/token",
                {"provider": "google", "process": "login", "token": {"client_id": client_id, "id_token": token}})


def test_an_app_signs_in_with_a_google_id_token_and_a_forged_one_is_refused(site, google_key):
    base, certs = site

    forged_status, forged = provider_token(base, id_token(signing_key()))  # the right key id, another key
    other_app_status, _ = provider_token(base, id_token(google_key, audience="someone-elses-app"))
    assert forged_status == 400 and forged["errors"][0]["code"] == "invalid_token"
    assert other_app_status == 400
    assert certs.requests >= 1  # the keys came from the server on 127.0.0.1

    status, signed_in = provider_token(base, id_token(google_key))
    assert status == 200, signed_in
    assert signed_in["data"]["user"]["email"] == "new.googler@example.com"
    access = signed_in["meta"]["access_token"]
    status, board = call(base, "GET", "/api/v1/progress", token=access)
    assert status == 200 and board["exams"] == []

    unknown_status, _ = provider_token(base, id_token(google_key, email="someone.else@example.com", kid="unknown-key"))
    assert unknown_status == 400  # a key id Google does not publish
