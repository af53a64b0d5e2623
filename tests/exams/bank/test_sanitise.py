import pytest

from exams.bank.sanitise import escape_markdown, html_to_markdown
from pingtopass.markdown import render_markdown


@pytest.mark.parametrize("html, markdown", [
    ("<p>Which <b>port</b> does <em>SSH</em> use?</p>", "Which **port** does *SSH* use?"),
    ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo  \nlines"),
    ("<ul><li>first</li><li>second</li></ul>", "- first\n- second"),
    ("<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol>", "1. a\n2. b\n    - c"),
    ("<pre>R1# show ip route\n  10.0.0.0/8</pre>", "```\nR1# show ip route\n  10.0.0.0/8\n```"),
    ('<a href="https://www.rfc-editor.org/rfc/rfc791">RFC 791</a>', "[RFC 791](https://www.rfc-editor.org/rfc/rfc791)"),
    ('<a href="javascript:alert(1)">click</a>', "click"),
    ("<script>alert(1)</script><style>p{}</style>Text", "Text"),
    ('<p onclick="steal()" style="color:red">Styled</p><iframe src="https://x.example"></iframe>', "Styled"),
])
def test_html_becomes_markdown_with_only_what_pages_allow(html, markdown):
    assert html_to_markdown(html) == (markdown, 0)


def test_text_that_looks_like_markup_reads_as_it_did():
    html = "<p>a &lt; b, &lt;script&gt;x&lt;/script&gt;, 2*3*4, [x](javascript:y), &amp;copy;, snake_case</p><p># one</p>"
    markdown, _ = html_to_markdown(html)
    assert render_markdown(markdown) == (
        "<p>a &lt; b, &lt;script&gt;x&lt;/script&gt;, 2*3*4, [x](javascript:y), &amp;copy;, snake_case</p>\n<p># one</p>")


def test_images_are_dropped_and_counted():
    assert html_to_markdown('<p>See <img src="@@PLUGINFILE@@/a.png" onerror="x()"> and <IMG src=b></p>') == ("See and", 2)


def test_plain_text_is_escaped_the_same_way():
    assert render_markdown(escape_markdown("1. not a list *or* <b>bold</b>")) == "<p>1. not a list *or* &lt;b&gt;bold&lt;/b&gt;</p>"
