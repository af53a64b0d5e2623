"""A terminal on one device: the mode it is in, one line at a time, as the page sends them.

The page posts a line and shows what comes back (`Reply`): the output, the prompt to show next,
the text to put back in the input after `?`, and whether the next line is a password. Nothing a
learner types makes `run` raise: limits, odd characters and the simulator's own faults all come
back as a line of text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from exams.question_types.ios import commands, handlers
from exams.question_types.ios.device import SWITCH, VIRTUAL_TYPES, Device, type_of
from exams.question_types.ios.grammar import CommandError, Node, Walk, help_rows, tokenize, walk

logger = logging.getLogger(__name__)

MAX_LINE = 256  # characters in one line
MAX_LINES = 500  # lines in one session, so a script cannot grow the saved answer without end

PROMPTS = {
    "user": ">",
    "exec": "#",
    "config": "(config)#",
    "config-if": "(config-if)#",
    "config-if-range": "(config-if-range)#",
    "config-subif": "(config-subif)#",
    "config-router": "(config-router)#",
    "config-vlan": "(config-vlan)#",
    "config-line": "(config-line)#",
    "config-std-nacl": "(config-std-nacl)#",
    "config-ext-nacl": "(config-ext-nacl)#",
    "dhcp-config": "(dhcp-config)#",
}
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
FILTERS = ("begin", "exclude", "include", "section")

# Lines of a saved configuration that are not commands: loading a lab's config skips them.
NOT_COMMANDS = re.compile(r"^(!.*|end|version .*|Building configuration\.\.\.|Current configuration : .*)$")


@dataclass
class Reply:
    output: str
    prompt: str
    refill: str = ""  # after `?`, the text the input keeps, as IOS types the line again
    secret: bool = False  # the next line is a password: the page must not echo it


class Session:
    def __init__(self, device: Device, *, mode: str = "user", context: dict | None = None, lines_run: int = 0,
                 pending: dict | None = None) -> None:
        self.device = device
        self.mode = mode
        self.context: dict = context or {}
        self.lines_run = lines_run
        self.pending: dict | None = pending
        self.loading = False  # running the lab's own configuration, not the learner's lines
        self.current_line = ""

    # --- what the page sees ---------------------------------------------------------------
    @property
    def prompt(self) -> str:
        if self.pending:
            return self.pending["ask"]
        return self.device.hostname + PROMPTS[self.mode]

    def run(self, line: str) -> Reply:
        """One line typed by the learner. Never raises."""
        if self.lines_run >= MAX_LINES:
            return Reply(f"% This terminal takes at most {MAX_LINES} lines; the limit was reached. "
                         "Reset the device to start again.", self.prompt)
        self.lines_run += 1
        if not isinstance(line, str):
            return Reply("% Only text can be typed here.", self.prompt)
        if len(line) > MAX_LINE:
            return Reply(f"% Line too long: at most {MAX_LINE} characters are accepted.", self.prompt)
        line = CONTROL.sub("", line.replace("\t", " "))
        if not line.isascii():
            return Reply("% Only plain ASCII characters are accepted.", self.prompt)
        try:
            if "?" in line and not self.pending:
                before = line[:line.index("?")]
                return Reply(self.help(before), self.prompt, refill=before)
            output, _ = self.execute(line)
        except Exception:  # the simulator's fault, never the learner's: say so and carry on
            logger.exception("IOS simulator failed on a line")
            output = "% The simulator could not run that line."
        return Reply(output, self.prompt, secret=bool(self.pending and self.pending.get("secret")))

    # --- running a line -------------------------------------------------------------------
    def execute(self, line: str) -> tuple[str, bool]:
        """(output, accepted): accepted is False when the line was refused (the lab loader
        reports those)."""
        self.current_line = line
        if self.pending:
            return handlers.answer_pending(self, line.strip()), True
        tokens = tokenize(line)
        if not tokens or tokens[0].text.startswith("!"):
            return "", True
        pipe = next((n for n, t in enumerate(tokens) if t.text.startswith("|")), None)
        if pipe is not None and pipe > 0:
            shown = self.parse(tokens[:pipe])
            if not shown.error and [w for w in shown.args.words if w != "do"][:1] == ["show"]:
                return self.execute_filtered(line, tokens, pipe, shown)
        result = self.parse(tokens)
        if result.error:
            return self.error_text(result, tokens), False
        if result.global_fallback and not result.node.swallow:
            self.enter("config")
        before = self.statuses() if self.mode.startswith(("config", "dhcp")) and not self.loading else None
        try:
            output = result.node.handler(result.negate)(self, result.args, result.negate) or ""
        except CommandError as exc:
            return str(exc), False
        accepted = not output.startswith("% This lab does not support")
        if before is not None:
            output = "\n".join(filter(None, [output, *self.status_changes(before)]))
        return output, accepted

    def parse(self, tokens) -> Walk:
        """Walk the mode's tree; in a configuration sub-mode a line it cannot take is tried as a
        global command, as IOS does (typing `interface g0/1` in interface mode just works), and the
        session lands in global configuration mode before it runs."""
        result = walk(self.root(), tokens, self)
        if result.error in ("", "incomplete") or self.mode in ("user", "exec", "config"):
            return result
        fallback = walk(commands.root("config", self.device.platform), tokens, self)
        if not fallback.error or fallback.used > result.used:
            fallback.global_fallback = True
            return fallback
        return result

    def execute_filtered(self, line: str, tokens, pipe: int, result: Walk) -> tuple[str, bool]:
        """`show ... | include|exclude|begin|section PATTERN`. The pattern is matched literally,
        with `.` for any character and `^`/`$` anchors only: a learner's regular expression must
        not be able to make the server backtrack for seconds."""
        after = tokenize(line[tokens[pipe].start + 1:])
        if not after:
            return "% Incomplete command.\n", False
        matches = [f for f in FILTERS if f.startswith(after[0].text.lower())]
        if len(matches) != 1:
            return self.caret(tokens[pipe].start + 1 + after[0].start), False
        if len(after) < 2:
            return "% Incomplete command.\n", False
        pattern = line[tokens[pipe].start + 1 + after[1].start:].strip()
        output = result.node.handler(result.negate)(self, result.args, result.negate) or ""
        return filter_output(output, matches[0], pattern), True

    def error_text(self, result: Walk, tokens) -> str:
        if result.error == "incomplete":
            return "% Incomplete command.\n"
        if result.error == "ambiguous":
            return f'% Ambiguous command:  "{self.current_line[:tokens[result.at].end].strip()}"\n'
        return self.caret(tokens[result.at].start)

    def caret(self, column: int) -> str:
        """IOS points at the first word it could not take, counting the prompt's width."""
        return " " * (len(self.prompt) + column) + "^\n% Invalid input detected at '^' marker.\n"

    def help(self, before: str) -> str:
        """`show ?` lists what may follow, with help; `sh?` lists the words `sh` could be."""
        self.current_line = before
        tokens = tokenize(before)
        if "|" in before:
            return "\n".join(f"  {f:<8}  {HELP_FILTERS[f]}" for f in FILTERS)
        partial = tokens[-1].text if tokens and not before[-1].isspace() else None
        asked = tokens[:-1] if partial is not None else tokens
        root = self.root()
        result = walk(root, asked, self)
        if result.error in ("invalid", "ambiguous") and self.mode not in ("user", "exec", "config"):
            root = commands.root("config", self.device.platform)  # a global command typed in a sub-mode
            fallback = walk(root, asked, self)
            result = fallback if not fallback.error or fallback.used > result.used else result
        if result.error in ("invalid", "ambiguous"):
            return self.error_text(result, tokens)
        if result.node.swallow:
            return result.node.run(self, result.args, result.negate)
        rows = help_rows(result.node, root, self, result.negate, partial)
        if not rows:
            return "% Unrecognized command"
        if partial is not None:
            return "  ".join(w for w, _ in rows) + "  "
        width = max(len(w) for w, _ in rows)
        return "\n".join(f"  {w:<{width}}  {h}".rstrip() for w, h in rows)

    # --- modes and trees ------------------------------------------------------------------
    def root(self) -> Node:
        return commands.root(self.mode, self.device.platform)

    def root_for_jump(self, kind: str) -> Node:
        """`do` goes on in privileged EXEC's tree."""
        return commands.root("do", self.device.platform)

    def enter(self, mode: str, **context) -> None:
        self.mode, self.context = mode, context

    def targets(self):
        """The interfaces an interface-mode command applies to (several after `interface range`)."""
        return [i for i in (self.device.interface(n) for n in self.context.get("interfaces", [])) if i]

    def interface_allowed(self, name: str, *, create: bool) -> bool:
        """May a command name this interface: it exists, or may be made here (a loopback; an SVI
        on a switch; a subinterface of a router port)."""
        if self.device.interface(name):
            return True
        if not create:
            return False
        kind = type_of(name)
        if kind == "Loopback":
            return True
        if kind == "Vlan":
            return self.device.platform == SWITCH
        if "." in name:
            parent = self.device.interface(name.split(".", 1)[0])
            return parent is not None and not parent.switchport and parent.kind not in VIRTUAL_TYPES
        return False

    # --- link state messages --------------------------------------------------------------
    def statuses(self) -> dict[str, tuple[str, str]]:
        return {i.name: self.device.status(i) for i in self.device.interfaces if not i.is_subinterface}

    def status_changes(self, before: dict[str, tuple[str, str]]) -> list[str]:
        """The console messages IOS prints when a change takes a link or its protocol up or down."""
        lines: list[str] = []
        for name, (status, protocol) in self.statuses().items():
            old_status, old_protocol = before.get(name, (status if status.startswith("admin") else "down", "down"))
            if status != old_status:
                if status.startswith("admin"):
                    lines.append(f"%LINK-5-CHANGED: Interface {name}, changed state to administratively down")
                else:
                    lines.append(f"%LINK-3-UPDOWN: Interface {name}, changed state to {status}")
            if protocol != old_protocol:
                lines.append(f"%LINEPROTO-5-UPDOWN: Line protocol on Interface {name}, changed state to {protocol}")
        return lines

    # --- loading and storage --------------------------------------------------------------
    def load_config(self, text: str) -> list[str]:
        """Run a lab's starting configuration through the same interpreter, in global
        configuration mode; the lines it refuses, as sentences (line number, line, why)."""
        self.enter("config")
        self.loading = True
        errors = []
        try:
            for number, raw in enumerate(text.splitlines(), 1):
                line = raw.rstrip()
                if not line.strip() or NOT_COMMANDS.match(line.strip()):
                    continue
                if len(line) > MAX_LINE or not line.isascii() or CONTROL.search(line.replace("\t", " ")):
                    errors.append(f"Line {number} ({line[:40]!r}) is too long or has characters a terminal "
                                  "cannot take.")
                    continue
                output, accepted = self.execute(line)
                if self.pending:
                    self.pending = None
                    errors.append(f"Line {number} ({line.strip()}) asks a question; give the whole command "
                                  "(e.g. crypto key generate rsa modulus 2048).")
                elif not accepted:
                    reason = output.strip().splitlines()[-1].lstrip("% ")
                    errors.append(f"Line {number} ({line.strip()}) is refused: {reason}")
        finally:
            self.loading = False
            self.enter("user")
        return errors

    def to_dict(self) -> dict:
        return {"device": self.device.to_dict(), "mode": self.mode, "context": self.context,
                "lines_run": self.lines_run, "pending": self.pending}

    @classmethod
    def from_dict(cls, data: dict) -> Session:
        """The session a to_dict() gave; ValueError when the data is not one."""
        if not isinstance(data, dict) or data.get("mode") not in PROMPTS:
            raise ValueError("Not a stored terminal session.")
        context, pending, lines_run = data.get("context"), data.get("pending"), data.get("lines_run")
        if not isinstance(context, dict) or not (pending is None or valid_pending(pending)):
            raise ValueError("Not a stored terminal session.")
        if not isinstance(lines_run, int) or lines_run < 0:
            raise ValueError("Not a stored terminal session.")
        return cls(Device.from_dict(data.get("device")), mode=data["mode"], context=context, lines_run=lines_run,
                   pending=pending)


PENDING_KINDS = ("enable", "copy", "modulus", "replace-keys")  # the questions commands ask (handlers.py)


def valid_pending(pending) -> bool:
    return isinstance(pending, dict) and pending.get("kind") in PENDING_KINDS and isinstance(pending.get("ask"), str)


HELP_FILTERS = {
    "begin": "Begin with the line that matches",
    "exclude": "Exclude lines that match",
    "include": "Include lines that match",
    "section": "Filter a section of output",
}


def filter_output(output: str, how: str, pattern: str) -> str:
    matcher = safe_pattern(pattern)
    lines = output.splitlines()
    if how == "include":
        kept = [line for line in lines if matcher.search(line)]
    elif how == "exclude":
        kept = [line for line in lines if not matcher.search(line)]
    elif how == "begin":
        start = next((n for n, line in enumerate(lines) if matcher.search(line)), len(lines))
        kept = lines[start:]
    else:  # section: a matching line with the indented lines under it
        kept, inside = [], False
        for line in lines:
            if not line.startswith(" "):
                inside = bool(matcher.search(line))
            if inside:
                kept.append(line)
    return "\n".join(kept)


def safe_pattern(pattern: str) -> re.Pattern:
    start = pattern.startswith("^")
    end = pattern.endswith("$") and len(pattern) > int(start)
    body = pattern[int(start):len(pattern) - int(end)]
    escaped = ".".join(re.escape(part) for part in body.split("."))
    return re.compile(("^" if start else "") + escaped + ("$" if end else ""))
