"""A Cisco IOS command interpreter for CCNA CLI labs: pure Python, no Django, no database.

The question type module calls it; nothing here knows about questions or requests.

- `lab_sessions(lab)` starts a terminal per device from the lab's data (format in lab.py);
  `Session.run(line)` runs one typed line and returns a `Reply` (output, next prompt, the text
  `?` leaves in the input, whether the next line is a password). It never raises.
- `Session.to_dict()` / `Session.from_dict()` store and restore a terminal (device state, mode,
  lines run) as JSON-able data, so a request need not replay every line.
- `grade(devices, checks)` tests the lab's checks against the devices' structured state
  (vocabulary in checks.py) and `grade_fraction` turns the results into a score from 0 to 1.
- `lab_errors(lab)` lists what is wrong with a lab's data, as sentences for a moderator.

Outputs are plain text (the page escapes them) and are computed from the device alone, so no
output can tell a learner what the checks look for.
"""

from exams.question_types.ios.checks import KINDS as CHECK_KINDS
from exams.question_types.ios.checks import CheckResult, grade, grade_fraction
from exams.question_types.ios.device import Device
from exams.question_types.ios.lab import lab_errors, lab_sessions, start_session
from exams.question_types.ios.session import MAX_LINE, MAX_LINES, Reply, Session

__all__ = [
    "CHECK_KINDS",
    "MAX_LINE",
    "MAX_LINES",
    "CheckResult",
    "Device",
    "Reply",
    "Session",
    "grade",
    "grade_fraction",
    "lab_errors",
    "lab_sessions",
    "start_session",
]
