"""A small IOS-style parse tree: keywords and typed parameters, each with its help text, and the
walk that resolves abbreviations, finds ambiguity, places the caret and answers `?`.

IOS itself parses with a tree of tokens rather than a table of whole commands; following it is
what makes `conf t`, `sh ip int br`, `?` after any word and the caret under the first bad word
fall out of one walk instead of a rule per command. Nodes are shared freely (a tree is really a
graph: both source-address forms of an ACL lead to the same destination nodes), so a node never
holds state; what a walk matched goes into `Args`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exams.question_types.ios.device import (
    SWITCH,
    VIRTUAL_TYPES,
    canonical_interface,
    is_ipv4,
    parse_vlan_list,
    type_of,
)

if TYPE_CHECKING:
    from exams.question_types.ios.session import Session

Handler = Callable[["Session", "Args", bool], "str | None"]


class CommandError(Exception):
    """A command the parser accepted but the device refuses; the message is what IOS would print."""


class Args:
    """What a walk matched, by key; a key matched more than once (repeated addresses, several
    transports) keeps every value in order."""

    def __init__(self) -> None:
        self.values: dict[str, list] = {}
        self.words: list[str] = []  # every token as resolved (keywords in full), for messages

    def add(self, key: str | None, value) -> None:
        if key:
            self.values.setdefault(key, []).append(value)

    def get(self, key: str, default=None):
        found = self.values.get(key)
        return found[-1] if found else default

    def all(self, key: str) -> list:
        return list(self.values.get(key, []))

    def __contains__(self, key: str) -> bool:
        return key in self.values


@dataclass(eq=False)
class Node:
    help: str
    children: list[Node] = field(default_factory=list)
    run: Handler | None = None  # the command may end here
    no_run: Handler | None = None  # only its "no" form may end here (no ip address)
    key: str | None = None
    swallow: bool = False  # takes the rest of the line unparsed (commands this lab does not support)
    jump: str | None = None  # go on parsing in another mode's tree: "exec" (do) or "self" (no)

    def handler(self, negate: bool) -> Handler | None:
        return self.run or (self.no_run if negate else None)


@dataclass(eq=False)
class Keyword(Node):
    word: str = ""


@dataclass(eq=False)
class Param(Node):
    label: str = ""  # how `?` names it: A.B.C.D, <1-4094>, WORD, LINE
    accept: Callable[[list[Token], int, Session], tuple[object, int] | None] = lambda tokens, i, s: None
    generic: bool = False  # takes any word, so a keyword prefix wins over it
    rows: Callable[[Session], list[tuple[str, str]]] | None = None  # help rows instead of (label, help)

    def help_rows(self, session: Session) -> list[tuple[str, str]]:
        return self.rows(session) if self.rows else [(self.label, self.help)]


@dataclass
class Token:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(line: str) -> list[Token]:
    return [Token(m.group(0), m.start()) for m in re.finditer(r"\S+", line)]


# --- building trees -----------------------------------------------------------------------

def K(word: str, help: str, *children: Node, run: Handler | None = None, no_run: Handler | None = None,
      key: str | None = None) -> Keyword:
    return Keyword(help=help, children=list(children), run=run, no_run=no_run, key=key, word=word)


def U(word: str, help: str) -> Keyword:
    """A command real IOS has and this lab does not: it must say so, never do nothing."""
    return Keyword(help=help, run=unsupported, no_run=unsupported, swallow=True, word=word)


def unsupported(session: Session, args: Args, negate: bool) -> str:
    words = args.words[1:] if args.words[:1] == ["do"] else args.words
    return f'% This lab does not support "{" ".join(words)}".'


def choice(key: str, options: Iterable[tuple[str, str]], *children: Node, run: Handler | None = None) -> list[Keyword]:
    """Keywords that are alternatives in one place (permit | deny, in | out), recorded under key."""
    return [K(word, help, *children, run=run, key=key) for word, help in options]


def number(low: int, high: int, help: str, *children: Node, key: str, run: Handler | None = None,
           no_run: Handler | None = None) -> Param:
    def accept(tokens: list[Token], i: int, s: Session):
        text = tokens[i].text
        return (int(text), 1) if text.isdigit() and low <= int(text) <= high else None
    return Param(help=help, children=list(children), run=run, no_run=no_run, key=key, label=f"<{low}-{high}>",
                 accept=accept)


def address(help: str, *children: Node, key: str, run: Handler | None = None, no_run: Handler | None = None,
            label: str = "A.B.C.D") -> Param:
    def accept(tokens: list[Token], i: int, s: Session):
        return (tokens[i].text, 1) if is_ipv4(tokens[i].text) else None
    return Param(help=help, children=list(children), run=run, no_run=no_run, key=key, label=label, accept=accept)


def word(help: str, *children: Node, key: str, run: Handler | None = None, no_run: Handler | None = None,
         label: str = "WORD", pattern: str = r"\S+") -> Param:
    def accept(tokens: list[Token], i: int, s: Session):
        return (tokens[i].text, 1) if re.fullmatch(pattern, tokens[i].text) else None
    return Param(help=help, children=list(children), run=run, no_run=no_run, key=key, label=label, accept=accept,
                 generic=pattern == r"\S+")


def rest(help: str, *, key: str, run: Handler | None = None, label: str = "LINE") -> Param:
    """The rest of the line as typed, spaces and all (descriptions, remarks, interface ranges)."""
    def accept(tokens: list[Token], i: int, s: Session):
        return s.current_line[tokens[i].start:].rstrip(), len(tokens) - i
    return Param(help=help, run=run, key=key, label=label, accept=accept, generic=True)


def vlan_list(help: str, *children: Node, key: str, run: Handler | None = None) -> Param:
    def accept(tokens: list[Token], i: int, s: Session):
        found = parse_vlan_list(tokens[i].text)
        return (found, 1) if found else None
    return Param(help=help, children=list(children), run=run, key=key, label="WORD", accept=accept)


def interface(help: str, *children: Node, key: str = "interface", create: bool = False,
              run: Handler | None = None, no_run: Handler | None = None) -> Param:
    """An interface name in any form IOS takes (`g0/0/1`, `gi 0/0/1`, `Loopback 0`), one token or
    two. It must exist on the device, unless `create` lets a loopback, SVI or subinterface be made."""
    def accept(tokens: list[Token], i: int, s: Session):
        candidates = [(tokens[i].text, 1)]
        if i + 1 < len(tokens) and re.fullmatch(r"[A-Za-z-]+", tokens[i].text):
            candidates.append((tokens[i].text + tokens[i + 1].text, 2))
        for text, used in candidates:
            name = canonical_interface(text)
            if name and s.interface_allowed(name, create=create):
                return name, used
        return None

    def rows(s: Session) -> list[tuple[str, str]]:
        kinds = sorted({type_of(i.name) for i in s.device.interfaces} | set(VIRTUAL_TYPES if create else ()))
        if s.device.platform != SWITCH:
            kinds = [k for k in kinds if k != "Vlan"]
        return [(k, INTERFACE_HELP[k]) for k in kinds]
    return Param(help=help, children=list(children), run=run, no_run=no_run, key=key, label="<interface>",
                 accept=accept, rows=rows)


INTERFACE_HELP = {
    "FastEthernet": "FastEthernet IEEE 802.3",
    "GigabitEthernet": "GigabitEthernet IEEE 802.3z",
    "TenGigabitEthernet": "Ten Gigabit Ethernet",
    "Serial": "Serial",
    "Loopback": "Loopback interface",
    "Vlan": "Catalyst Vlans",
}


# --- walking a tree ------------------------------------------------------------------------

@dataclass
class Walk:
    """Where a walk of a line ended: at a node (complete or not), or at a token it could not take."""

    node: Node | None
    args: Args
    negate: bool = False
    error: str = ""  # "", "invalid", "ambiguous" or "incomplete"
    at: int = 0  # index of the token the error is about
    used: int = 0  # tokens consumed
    global_fallback: bool = False  # a sub-mode could not take the line; global configuration did


def children_of(node: Node, session: Session, start: Node) -> list[Node]:
    """A node's children; after `no` those of the tree the walk started in, after `do` those
    of privileged EXEC."""
    if node.jump == "self":
        return start.children
    if node.jump:
        return session.root_for_jump(node.jump).children
    return node.children


def resolve(options: list[Node], tokens: list[Token], i: int, session: Session) -> list[tuple[Node, object, int]]:
    """The nodes a token can be: an exact keyword, else a typed parameter that takes it, else the
    keywords it abbreviates (more than one is ambiguous), else a parameter that takes any word."""
    text = tokens[i].text.lower()
    keywords = [n for n in options if isinstance(n, Keyword)]
    exact = [n for n in keywords if n.word == text]
    if exact:
        return [(exact[0], exact[0].word, 1)]
    params = [n for n in options if isinstance(n, Param)]
    for param in (p for p in params if not p.generic):
        taken = param.accept(tokens, i, session)
        if taken:
            return [(param, *taken)]
    prefixed = [n for n in keywords if n.word.startswith(text)]
    if prefixed:
        return [(n, n.word, 1) for n in prefixed]
    for param in (p for p in params if p.generic):
        taken = param.accept(tokens, i, session)
        if taken:
            return [(param, *taken)]
    return []


def walk(root: Node, tokens: list[Token], session: Session, *, negate: bool = False) -> Walk:
    node, args = root, Args()
    i = 0
    while i < len(tokens):
        if node.swallow:
            args.words.extend(t.text for t in tokens[i:])
            i = len(tokens)
            break
        if node.jump == "self":
            negate = True
        found = resolve(children_of(node, session, root), tokens, i, session)
        if len(found) != 1:
            return Walk(node, args, negate, "ambiguous" if found else "invalid", at=i, used=i)
        node, value, used = found[0]
        args.add(node.key, value)
        args.words.append(value if isinstance(node, Keyword) else " ".join(t.text for t in tokens[i:i + used]))
        i += used
    if node.handler(negate) is None:
        return Walk(node, args, negate, "incomplete", at=len(tokens), used=i)
    return Walk(node, args, negate, used=i)


def help_rows(node: Node, start: Node, session: Session, negate: bool, prefix: str | None) -> list[tuple[str, str]]:
    """What `?` lists at a node: every next word with its help (and <cr> where the command may
    end), or, after a partial word, the keywords that word could be."""
    rows: list[tuple[str, str]] = []
    children = children_of(node, session, start)
    for child in children:
        if isinstance(child, Param):
            rows.extend(child.help_rows(session))
    rows += sorted((c.word, c.help) for c in children if isinstance(c, Keyword))
    if prefix is not None:
        folded = prefix.lower()
        return [(w, h) for w, h in rows if w.lower().startswith(folded) and not w.startswith("<")]
    if node.handler(negate) is not None and not node.jump and not node.swallow:
        rows.append(("<cr>", ""))
    return rows
