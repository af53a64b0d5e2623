"""An app's view of the site: JSON requests, signed in through allauth's headless app API."""

import json

import pytest
from django.test import Client

HEADLESS = "/_allauth/app/v1"
API = "/api/v1"


class AppClient:
    """Speaks JSON to the API as an app does, with its access token once it has one."""

    def __init__(self):
        self.http = Client()
        self.token = None
        self.session_token = None  # allauth's X-Session-Token while a flow (signup, verification) is pending
        self.responses = []  # every response, for tests that check them all

    def _headers(self, extra=None) -> dict:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.session_token:
            headers["X-Session-Token"] = self.session_token
        return {**headers, **(extra or {})}

    def request(self, method: str, path: str, body=None, raw: str | None = None, headers=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = getattr(self.http, method.lower())(path, data, headers=self._headers(headers), **kwargs) \
            if data is not None else getattr(self.http, method.lower())(path, headers=self._headers(headers))
        self.responses.append(response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def sign_in(self, email: str, password: str):
        response = self.post(f"{HEADLESS}/auth/login", {"email": email, "password": password})
        assert response.status_code == 200, response.content
        self.take_tokens(response.json())
        return response

    def take_tokens(self, payload: dict) -> None:
        meta = payload["meta"]
        self.token = meta["access_token"]
        self.refresh_token = meta["refresh_token"]
        self.session_token = None


@pytest.fixture
def app():
    return AppClient()


@pytest.fixture
def signed_in_app(app, learner, password):
    app.sign_in(learner.email, password)
    return app
