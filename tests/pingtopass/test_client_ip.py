"""Which address the audit log and the rate limits take for a request."""

import pytest
from django.test import RequestFactory

from pingtopass.clients import client_ip


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "6.6.6.6", "10.0.0.2"),  # no proxy: the header is the client's own word
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the proxy appended the real client last
    (1, "203.0.113.9", "203.0.113.9"),
    (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
    (1, "", "10.0.0.2"),
    (1, "not-an-ip", None),
])
def test_the_client_is_the_entry_the_outermost_trusted_proxy_appended(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
