"""Text from other systems, made into the Markdown our questions are written in.

Moodle and GIFT text is usually HTML. It is first cleaned by nh3 with the tags and link schemes
every page allows (pingtopass/markdown.py), so a script, a style, an event handler or a
javascript: link never gets further; what is left is written out as Markdown: paragraphs, line
breaks, bold, italic, code, code blocks, lists and http(s) links. Other tags keep their text.
Characters Markdown or HTML would read as markup are escaped in the text, so the text reads as it
read in the source and renders through the same sanitiser as all Markdown when shown.
"""

import re
from html.parser import HTMLParser

import nh3

from pingtopass.links import is_http_url
from pingtopass.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# Markdown's own characters (an underscore only where it can start or end emphasis), and what would
# open an HTML tag or an entity.
_MARKUP = re.compile(r"([\\`*\[\]]|(?<!\w)_|_(?!\w))|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
# What starts a heading, a quote or a list at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]\s))")
_BLOCKS = {"p", "div", "blockquote", "table", "tr", "h3", "h4", "h5", "h6", "ul", "ol", "hr"}
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}


def escape_markdown(text: str, *, line_start: bool = True) -> str:
    """Plain text as Markdown that renders as the same text."""
    text = _MARKUP.sub(lambda m: "\\" + m.group(1) if m.group(1) else {"<": "&lt;", "&": "&amp;"}[m.group(0)], text)
    if line_start:
        text = "\n".join(_LINE_START.sub(_escape_line_start, line) for line in text.split("\n"))
    return text


def _escape_line_start(match: re.Match) -> str:
    space, mark = match.groups()
    return f"{space}{mark}\\" if mark[0].isdigit() else f"{space}\\{mark}"


class _MarkdownWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, next number]
        self.pre = 0
        self.link: str | None = None

    def _block(self):
        self.out.append("\n\n")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"ul", "ol"}:
            if not self.lists:  # a list inside a list item stays tight
                self._block()
            self.lists.append([tag == "ol", 1])
        elif tag in _BLOCKS:
            self._block()
            if tag in {"h3", "h4", "h5", "h6"}:
                self.out.append("#" * int(tag[1]) + " ")
            elif tag == "hr":
                self.out.append("* * *\n\n")
        elif tag == "br":
            self.out.append("\n" if self.pre else "  \n")
        elif tag == "li":
            ordered = self.lists[-1] if self.lists else [False, 1]
            marker = f"{ordered[1]}. " if ordered[0] else "- "
            ordered[1] += 1
            self.out.append("\n" + "    " * max(len(self.lists) - 1, 0) + marker)
        elif tag == "pre":
            self._block()
            self.out.append("```\n")
            self.pre += 1
        elif tag in {"td", "th"}:
            self.out.append(" | ")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in _EMPHASIS and not self.pre:
            self.out.append(_EMPHASIS[tag])
        elif tag == "a":
            href = attributes.get("href") or ""
            self.link = href if is_http_url(href) else None
            if self.link:
                self.out.append("[")

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"}:
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._block()
        elif tag in _BLOCKS:
            self._block()
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.out.append("\n```")
            self._block()
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in _EMPHASIS and not self.pre:
            self.out.append(_EMPHASIS[tag])
        elif tag == "a" and self.link:
            self.out.append(f"]({self.link})")
            self.link = None

    def handle_data(self, data):
        if self.pre:
            self.out.append(data.replace("```", "ˋˋˋ"))  # a fence inside the block would end it
        else:
            before = "".join(self.out).rstrip(" ")
            at_line_start = not before or before.endswith("\n")
            self.out.append(escape_markdown(re.sub(r"\s+", " ", data), line_start=at_line_start))

    def markdown(self) -> str:
        text = "".join(self.out)
        lines = [line.rstrip() if not line.endswith("  ") else line for line in text.split("\n")]
        text = "\n".join(line if line.strip() else "" for line in lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_markdown(html: str) -> tuple[str, int]:
    """HTML as sanitised Markdown, and how many images it held (they are dropped: an image comes in
    as a question's exhibit, attached in admin)."""
    images = len(re.findall(r"<img\b", html, re.IGNORECASE))
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
    writer = _MarkdownWriter()
    writer.feed(cleaned)
    writer.close()
    return writer.markdown(), images
