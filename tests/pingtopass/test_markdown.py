"""Plain one-line texts skip Markdown: the page must not be able to tell."""

import random

from pingtopass.markdown import _PLAIN, _render, render_markdown
from tests.hrefs import hrefs, scheme

# Everything Markdown, HTML or Unicode gives a meaning to, mixed with ordinary text.
ALPHABET = list("abcXYZ019 .,;:?!'\"()/%+=@$-#&<>\\`*_[]|~{}^") + ["\n", "\t", "\r", "\u00a0", "\u2028", "é", "ß",
                                                                       "日", "→", "1. ", "- ", "> ", "# ", "  "]


def test_plain_texts_render_exactly_as_markdown_would():
    rng = random.Random(8)
    plain = 0
    for _ in range(20_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14)))
        if _PLAIN.match(text):
            plain += 1
            assert render_markdown(text) == _render(text), repr(text)
    assert plain > 1_000  # the fast way was taken often enough to mean something


def test_real_sentences():
    for text in ("Port 443 (HTTPS)", "It's the \"default\" gateway: 192.168.1.1", "1.5 GHz", "C# and F#", "Use SSH - not Telnet",
                 "1. First", "- a list", "**bold**", "a_b_c", "x < y", "AT&T", "Trailing  ", "  leading", "two\nlines"):
        assert render_markdown(text) == _render(text), repr(text)


# Markdown links, reference links, autolinks and raw HTML, with the tricks browsers forgive.
SCRIPT_LINKS = [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))", "[x](<java\tscript:alert(1)>)",
    "[x](\x01javascript:alert(1))", "[x](&#106;avascript:alert(1))", "[x](java&#x09;script:alert(1))",
    "[x](javascript&colon;alert(1))", "[x](javascript:alert(1) \"title\")", "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)", '<a href="javascript:alert(1)">x</a>', '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#10;script:alert(1)">x</a>', '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>', "<a href='javascript&colon;alert(1)'>x</a>",
]


def test_no_link_in_markdown_leads_anywhere_but_http_https_mailto_or_the_site():
    for text in SCRIPT_LINKS:
        for wrapped in (text, f"See {text} for details.", f"- item\n- {text}"):
            html = render_markdown(wrapped)
            assert [href for href in hrefs(html) if scheme(href) not in {None, "http", "https", "mailto"}] == [], wrapped


def test_http_https_mailto_and_relative_links_stay_links():
    html = render_markdown("[a](https://example.com/a) [b](http://example.com/b) [c](mailto:team@example.com) [d](/exams/)")
    assert hrefs(html) == ["https://example.com/a", "http://example.com/b", "mailto:team@example.com", "/exams/"]
