"""The site's settings, with Google's ID-token signing keys read from GOOGLE_CERTS_URL: for the
site tests/api/test_google_sign_in.py runs, pointed at a server of the test's own on 127.0.0.1.

allauth's Google provider reads SOCIALACCOUNT_PROVIDERS["google"]["CERTS_URL"] once, when its
views module is first imported, so the setting has to be there when the process starts: a test
cannot change it in a process that has already served a request."""

import os

from pingtopass.settings import *  # noqa: F403
from pingtopass.settings import SOCIALACCOUNT_PROVIDERS

SOCIALACCOUNT_PROVIDERS = {
    **SOCIALACCOUNT_PROVIDERS,
    "google": {**SOCIALACCOUNT_PROVIDERS["google"], "CERTS_URL": os.environ["GOOGLE_CERTS_URL"]},
}
