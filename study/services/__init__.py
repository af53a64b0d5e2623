"""Every write a learner causes, by feature: starting a session (start), answering (answer),
submitting and scoring (submit), flags, strike-outs, bookmarks and reports (marks), pausing
timed practice (pause), a CLI lab's terminal (lab). Import from here."""

from study.services.answer import AnswerOutcome, answer_record, item_mark_shown
from study.services.errors import NothingToStudy, SessionError, SessionExpired, UpgradeRequired
from study.services.exam_date import exam_date_set
from study.services.lab import item_lab_line
from study.services.marks import bookmark_set, feedback_report, item_flag, item_strike
from study.services.pause import session_pause, session_unpause
from study.services.start import (
    SessionRequest,
    adaptive_selection,
    servable_in_order,
    session_start,
    simulation_shape,
)
from study.services.submit import session_expire_if_due, session_submit, sessions_expire_due

__all__ = [
    "AnswerOutcome", "NothingToStudy", "SessionError", "SessionExpired", "SessionRequest", "UpgradeRequired",
    "adaptive_selection", "answer_record", "exam_date_set", "bookmark_set", "feedback_report", "item_flag", "item_lab_line", "item_mark_shown",
    "item_strike", "session_pause", "session_unpause",
    "servable_in_order", "session_expire_if_due", "session_start", "session_submit", "sessions_expire_due", "simulation_shape",
]
