"""Where a question's reference may point: https pages of vendors and standards bodies whose
documents support an answer. A host is allowed when it is one of these or a subdomain of one
(www.cisco.com, docs.aws.amazon.com, csrc.nist.gov)."""

from urllib.parse import urlsplit

ALLOWED_REFERENCE_HOSTS = (
    # Vendors whose exams we cover, and their documentation sites
    "comptia.org", "aws.amazon.com", "cisco.com", "meraki.com", "learn.microsoft.com", "docs.ansible.com", "developer.hashicorp.com",
    # Standards bodies and their registries
    "nist.gov", "rfc-editor.org", "ietf.org", "iana.org", "ieee.org", "iso.org", "w3.org", "oasis-open.org",
    "pcisecuritystandards.org", "first.org", "cve.org", "mitre.org", "owasp.org", "cisecurity.org",
    "fidoalliance.org", "openid.net", "wi-fi.org",
    # Government security agencies and law
    "cisa.gov", "ncsc.gov.uk", "enisa.europa.eu", "eur-lex.europa.eu", "hhs.gov",
)


def host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith("." + allowed) for allowed in ALLOWED_REFERENCE_HOSTS)


def reference_problem(url: str) -> str | None:
    """What is wrong with a reference, as a few words; None for a good one. A missing reference is
    a problem: every question cites the page that supports its answer."""
    if not url:
        return "no reference"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "not a URL"
    if parts.scheme.lower() != "https":
        return "not https"
    if not parts.hostname or not host_allowed(parts.hostname):
        return f"host {parts.hostname or '(none)'} is not on the allowed list"
    return None
