"""Plain one-line texts skip Markdown: the page must not be able to tell."""

import random

from pingtopass.markdown import _PLAIN, _render, render_markdown

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
