"""CLI lab: one or more Cisco IOS devices, each with a starting configuration and a task; the
learner types commands in a terminal on the page, one line at a time, and is graded on the state
the devices end in, never on the keystrokes (exams/question_types/ios: the interpreter and the
checks). simulation_data is the lab: {"devices": [...], "checks": [...]} (format in ios/lab.py,
check vocabulary in ios/checks.py; a check may carry an "explanation" shown once answered).

The work in progress is the session item's draft: per device its terminal (ios Session.to_dict())
and its transcript, saved with every line, so a reload or a resume shows the same terminal. The
answer is the devices' state when the learner submits (or saves and moves on)."""

import re
from collections.abc import Mapping, Sequence

from exams.question_types import ios
from exams.question_types.base import InvalidAnswer
from exams.question_types.simulated import SimulatedType

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TRANSCRIPT_KEPT = 300  # entries per device a page shows again (the answer is the state, not this)
OUTPUT_KEPT = 8_000  # characters of one entry's output kept in the transcript


class CliLab(SimulatedType):
    key = "cli"
    label = "CLI lab"
    input_template = "questions/cli_input.jinja"
    terminal = True
    wrong_hint = "The checks marked ✗ below did not hold on your devices."
    ai_rule = ""

    def badge_for(self, question) -> str:
        devices = len(question.simulation_data.get("devices", ()))
        return f"Configure {devices} device{'s' if devices != 1 else ''} · graded on the result, partial credit per check"

    # --- content ---------------------------------------------------------------------------
    def data_errors(self, data: Mapping) -> list[str]:
        return ios.lab_errors(dict(data) if isinstance(data, Mapping) else data)

    # --- the terminals ---------------------------------------------------------------------
    @staticmethod
    def _device_names(question) -> list[str]:
        return [d["name"] for d in question.simulation_data["devices"]]

    def _sessions(self, question, draft) -> dict[str, ios.Session]:
        """Each device's terminal as the learner left it (the lab's starting state if untouched)."""
        saved = (draft or {}).get("terminals", {}) if isinstance(draft, Mapping) else {}
        sessions = {}
        for spec in question.simulation_data["devices"]:
            state = saved.get(spec["name"])
            try:
                sessions[spec["name"]] = ios.Session.from_dict(state) if state else ios.start_session(spec)[0]
            except ValueError:  # a draft from an older lab version: start the device again
                sessions[spec["name"]] = ios.start_session(spec)[0]
        return sessions

    def run_line(self, question, draft, *, device: str, line: str, reset: bool = False) -> tuple[dict, dict]:
        """Run one typed line (or reset one device) and return the new draft and the entry the
        terminal shows for it. InvalidAnswer for a device the lab does not have."""
        if device not in self._device_names(question):
            raise InvalidAnswer("That device is not part of this lab.")
        draft = {"terminals": dict((draft or {}).get("terminals", {})), "transcripts": dict((draft or {}).get("transcripts", {}))}
        sessions = self._sessions(question, draft)
        session = sessions[device]
        transcript = list(draft["transcripts"].get(device, []))
        if reset:
            session = ios.start_session(next(d for d in question.simulation_data["devices"] if d["name"] == device))[0]
            transcript = []
            entry = {"prompt": "", "line": "", "output": f"{device} was reset to the lab's starting configuration.",
                     "next": session.prompt, "refill": "", "secret": False}
        else:
            line = CONTROL.sub("", line.replace("\t", " "))[: ios.MAX_LINE + 1]  # as echoed: no escape sequences
            prompt = session.prompt
            secret_line = bool(session.pending and session.pending.get("secret"))
            reply = session.run(line)
            entry = {"prompt": prompt, "line": "" if secret_line else line[: ios.MAX_LINE], "output": reply.output[:OUTPUT_KEPT],
                     "next": reply.prompt, "refill": reply.refill, "secret": reply.secret}
            transcript.append({k: entry[k] for k in ("prompt", "line", "output")})
        draft["terminals"][device] = session.to_dict()
        draft["transcripts"][device] = transcript[-TRANSCRIPT_KEPT:]
        return draft, entry

    def board(self, question, *, response, posted: Mapping | None, reveal: bool, draft=None) -> dict:
        sessions = self._sessions(question, draft)
        transcripts = (draft or {}).get("transcripts", {}) if isinstance(draft, Mapping) else {}
        devices = [{"name": spec["name"], "task": spec.get("task", ""), "prompt": sessions[spec["name"]].prompt,
                    "transcript": transcripts.get(spec["name"], []),
                    "secret": bool(sessions[spec["name"]].pending and sessions[spec["name"]].pending.get("secret"))}
                   for spec in question.simulation_data["devices"]]
        board = {"devices": devices, "used": any(d["transcript"] for d in devices)}
        if reveal:
            board.update(parts=self.parts(question, response if isinstance(response, Mapping) else {}), answered=True)
        return board

    def public_data(self, question, *, response=None, draft=None) -> dict:
        board = self.board(question, response=response, posted=None, reveal=False, draft=draft)
        return {"devices": board["devices"]}

    # --- an answer -------------------------------------------------------------------------
    def answer_given(self, data: Mapping) -> bool:
        return data.get("lab") == "1"

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        if not (draft or {}).get("terminals"):
            raise InvalidAnswer("Type at least one command in the terminal before submitting the lab.")
        sessions = self._sessions(question, draft)
        return {"devices": {name: s.device.to_dict() for name, s in sessions.items()},
                "lines": {name: [e["line"] for e in (draft.get("transcripts") or {}).get(name, []) if e.get("line")]
                          for name in sessions}}

    def _results(self, question, response: Mapping) -> list[ios.CheckResult]:
        states = response.get("devices") or {}
        devices = {}
        for spec in question.simulation_data["devices"]:
            try:
                devices[spec["name"]] = ios.Device.from_dict(states[spec["name"]])
            except (KeyError, ValueError, TypeError):
                devices[spec["name"]] = ios.start_session(spec)[0].device  # never configured: as the lab began
        return ios.grade(devices, question.simulation_data["checks"])

    def parts(self, question, response: Mapping) -> list[dict]:
        checks = question.simulation_data["checks"]
        results = self._results(question, response) if response else [ios.CheckResult(False, c.get("points", 1), c["says"]) for c in checks]
        return [{"label": result.says, "given": "", "answer": "", "right": result.passed,
                 "explanation": check.get("explanation", ""), "points": result.points}
                for check, result in zip(checks, results, strict=True)]

    def score(self, choices: Sequence, response, *, question=None) -> float:
        if not isinstance(response, Mapping):
            return 0.0
        return ios.grade_fraction(self._results(question, response))

    def summary(self, response, *, choice_order: Sequence[int], choices_by_id: Mapping, question=None) -> list[str]:
        if not isinstance(response, Mapping):
            return []
        return [f"{name}: {len(lines)} command{'s' if len(lines) != 1 else ''} typed"
                for name, lines in (response.get("lines") or {}).items()]
