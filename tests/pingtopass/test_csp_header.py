"""The Content-Security-Policy header (pingtopass.middleware.ContentSecurityPolicyMiddleware):
built once, the same as django-csp builds it, and still django-csp's own wherever a view or a
template changes the policy."""

from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from pingtopass.middleware import ContentSecurityPolicyMiddleware


def both(view, path="/exams/"):
    """The headers our middleware and django-csp's give the same request and view."""
    headers = []
    for middleware in (ContentSecurityPolicyMiddleware, CSPMiddleware):
        request = RequestFactory().get(path)
        response = middleware(view)(request)
        headers.append((response.get("Content-Security-Policy"), response.get("Content-Security-Policy-Report-Only")))
    return headers


def page(request):
    return HttpResponse("<p>page</p>")


def test_the_settings_policy_is_the_one_django_csp_builds():
    ours, theirs = both(page)
    assert ours == theirs
    assert "script-src 'self'" in ours[0] and "form-action 'self' https://accounts.google.com" in ours[0]


def test_a_policy_changed_by_the_view_or_a_nonce_is_built_for_that_response():
    @csp_update({"img-src": ["https://images.example"]})
    def updated(request):
        return HttpResponse("")

    def with_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    ours, theirs = both(updated)
    assert ours == theirs and "https://images.example" in ours[0]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}):
        ours, theirs = both(with_nonce)
    assert "'nonce-" in ours[0] and ours[0].split("'nonce-")[0] == theirs[0].split("'nonce-")[0]
    exempt = ContentSecurityPolicyMiddleware(csp_exempt()(page))(RequestFactory().get("/"))
    assert "Content-Security-Policy" not in exempt


def test_changed_settings_are_picked_up():
    both(page)  # the settings' policy is built and kept
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]},
                                                    "EXCLUDE_URL_PREFIXES": ["/static/"]},
                           CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"script-src": ["'self'"]}}):
        ours, theirs = both(page)
        assert ours == theirs and ours[0] == "default-src 'none'" and "script-src 'self'" in ours[1]
        assert both(page, "/static/app.css")[0][0] is None
    assert "script-src 'self'" in both(page)[0][0]
