"""A learner's study sessions over HTTP: start, list, read, the current question, answer, flag,
bookmark, report, submit, results and review. Each operation reaches a session through the HTML
views' access rule (study/views/access.py: only the learner's own, anything else a 404, one past
its deadline submitted first) and changes it through the same service."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import QueryDict
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from api.cards import ANSWER_HELP, CardOut, FeedbackOut, card, feedback
from api.conditional import etag
from api.errors import ApiError, cleaned, responses, throttle
from api.fields import DbId
from exams.selectors import exam_blueprint
from pingtopass.markdown import render_markdown
from pingtopass.params import INT64_MAX
from study import selectors
from study.forms import BookmarkForm, FeedbackForm
from study.models import QuestionFeedback, StudySession
from study.services import (
    SessionRequest,
    answer_record,
    bookmark_set,
    feedback_report,
    item_flag,
    item_lab_line,
    item_mark_shown,
    servable_in_order,
    session_expire_if_due,
    session_start,
    session_submit,
)
from study.views.access import item_of, plan_of, session_for_user, session_item_for_user

router = Router(tags=["sessions"])

Mode = Literal["practice", "timed", "exam", "adaptive"]
Source = Literal["all", "unseen", "fresh", "missed", "bookmarked", "marked", "due", "weak", "retake"]
MAX_COUNT = 200  # as the HTML start form's custom size
MAX_BATCH = 100  # as POST /questions/batch
FINISHED = "This session is already finished; its answers can no longer change."
TIME_UP = "Time is up. Your session was submitted with the answers you had given."


def SessionId():  # noqa: N802 -- stands for a parameter's type
    return Path(..., ge=1, le=INT64_MAX, description="A session id")


def Position():  # noqa: N802
    return Path(..., ge=1, le=32767, description="A question's position in its session, from 1")


# --- schemas ------------------------------------------------------------------------------------
class SessionIn(Schema):
    exam: str = Field(..., max_length=32, description="The exam's code, e.g. SY0-701")
    mode: Mode = "practice"
    count: int = Field(10, ge=1, le=MAX_COUNT, description="Questions asked for (an exam simulation takes the blueprint's)")
    objective_ids: list[DbId] = Field([], max_length=500, description="Objective ids from the exam's blueprint; none: all")
    difficulty_min: int = Field(1, ge=1, le=5)
    difficulty_max: int = Field(5, ge=1, le=5)
    source: Source = "all"
    from_session: DbId | None = Field(None, description="source=retake: the finished session")
    question_ids: list[DbId] = Field(
        [], max_length=MAX_BATCH,
        description="Practice or timed practice on exactly these questions, in this order (a batch from "
                    "POST /questions/batch, to answer through the session); count, objectives, difficulty and "
                    "source are then not used",
    )


class ScoreOut(Schema):
    correct: int
    scored: int
    unscored: int
    percent: int | None
    scaled: int | None  # exam simulations: on the exam's own scale
    passed: bool | None


class SessionOut(Schema):
    id: int
    exam: str
    mode: Mode
    status: Literal["in_progress", "submitted"]
    question_total: int
    answered: int
    current_position: int
    started_at: datetime
    deadline: datetime | None
    seconds_left: int | None
    paused: bool
    submitted_at: datetime | None
    expired: bool
    reveals_correctness: bool  # answers are marked as they are given (practice), or the session is finished
    score: ScoreOut | None = None


class GridItemOut(Schema):
    position: int
    answered: bool
    flagged: bool


class SessionDetailOut(SessionOut):
    items: list[GridItemOut]


class SessionPageOut(Schema):
    items: list[SessionOut]
    count: int
    next_offset: int | None


AnswerText = Annotated[str, StringConstraints(max_length=256)]  # a rule table's typed cell


class AnswerIn(Schema):
    answer: dict[str, int | AnswerText | list[int | AnswerText]] = Field(..., max_length=200, description=ANSWER_HELP)
    confidence: int | None = Field(None, ge=1, le=3, description="1 guessing, 2 fairly sure, 3 certain")
    seconds: float | None = Field(None, ge=0, le=86400, allow_inf_nan=False, description="Time spent on the question")


class AnswerOut(Schema):
    recorded: bool  # false: a repeat of an answer already final (practice), returned unchanged
    question: CardOut
    next_position: int | None


class TerminalIn(Schema):
    device: str = Field(..., max_length=20, description="The lab device's name, as in the question's data")
    line: str = Field("", max_length=1000, description="One line, as typed at the device's prompt")
    reset: bool = Field(False, description="Start the device again from the lab's starting configuration")


class TerminalOut(Schema):
    device: str
    output: str  # what the device printed (plain text)
    prompt: str  # the prompt for the next line
    refill: str  # after "?", the text the line keeps
    secret: bool  # the next line is a password: do not echo it


class FlagIn(Schema):
    flagged: bool


class FlagOut(Schema):
    position: int
    flagged: bool


class BookmarkIn(Schema):
    bookmarked: bool = True
    note: str = Field("", max_length=2000)


class BookmarkOut(Schema):
    question_id: int
    bookmarked: bool
    note: str


class ReportIn(Schema):
    kind: Literal[tuple(QuestionFeedback.Kind.values)]
    message: str = Field(..., min_length=5, max_length=2000)


class ReportOut(Schema):
    id: int
    question_id: int
    status: str


class ObjectiveResultOut(Schema):
    number: str
    name: str
    correct: int
    total: int


class DomainResultOut(Schema):
    number: str
    name: str
    correct: int
    total: int
    objectives: list[ObjectiveResultOut]


class ResultsOut(Schema):
    session: SessionOut
    passing_score: int
    domains: list[DomainResultOut]
    answering_seconds: float
    average_seconds: int | None
    to_retake: int


class ReviewItemOut(Schema):
    position: int
    question_id: int
    type: str
    stem: str
    stem_html: str
    answered: bool
    flagged: bool
    feedback: FeedbackOut


# --- helpers ------------------------------------------------------------------------------------
def session_fields(session: StudySession, answered: int | None = None) -> dict:
    score = selectors.session_score(session)
    if answered is None:
        answered = session.answered_count if session.is_finished and session.answered_count is not None \
            else session.items.exclude(response=None).count()
    return {
        "id": session.pk, "exam": session.exam.code, "mode": session.mode, "status": session.status,
        "question_total": session.question_total, "answered": answered, "current_position": session.current_position,
        "started_at": session.started_at, "deadline": session.deadline, "seconds_left": session.seconds_left(),
        "paused": session.is_paused, "submitted_at": session.submitted_at, "expired": session.expired,
        "reveals_correctness": session.reveals_correctness,
        "score": None if score is None else {"correct": score.correct, "scored": score.scored, "unscored": score.unscored,
                                             "percent": score.percent, "scaled": score.scaled, "passed": score.passed},
    }


def _open_item(request, session_id: int, position: int):
    """The learner's session and one of its items, for an operation that changes it."""
    session = session_for_user(request, session_id)
    return session, item_of(session, position)


# --- operations ---------------------------------------------------------------------------------
def _check_batch(exam, payload: SessionIn) -> None:
    """A session on a batch's questions: practice or timed, each question once, all of them ones
    this learner may be shown for this exam."""
    if payload.mode not in ("practice", "timed"):
        raise ApiError(422, "invalid", "A session on chosen questions is practice or timed practice.", field="mode")
    if payload.source != "all":
        raise ApiError(422, "invalid", "A session on chosen questions has no other source.", field="source")
    if len(set(payload.question_ids)) != len(payload.question_ids):
        raise ApiError(422, "invalid", "Each question once.", field="question_ids")
    servable = set(servable_in_order(exam, payload.question_ids))
    missing = [str(pk) for pk in payload.question_ids if pk not in servable]
    if missing:
        raise ApiError(422, "invalid", f"Not questions of {exam.code} you can be asked: {', '.join(missing[:5])}.",
                       field="question_ids")


@router.post("", response={201: SessionOut, **responses(401, 402, 404, 422)}, summary="Start a session")
def session_create(request, payload: SessionIn):
    exam = selectors.exam_for_learner(payload.exam)
    known = {o.id for domain in exam_blueprint(exam) for o in domain.objectives}
    if not set(payload.objective_ids) <= known:
        raise ApiError(422, "invalid", "Not an objective of this exam.", field="objective_ids")
    if payload.difficulty_min > payload.difficulty_max:
        raise ApiError(422, "invalid", "The hardest level cannot be below the easiest.", field="difficulty_max")
    if payload.source == "retake":
        if payload.from_session is None:
            raise ApiError(422, "invalid", "Say which finished session to retake.", field="from_session")
        finished = session_for_user(request, payload.from_session)
        if not finished.is_finished or finished.exam_id != exam.pk:
            raise ApiError(404, "not_found", "No such session.")
    if payload.question_ids:
        _check_batch(exam, payload)
    session_request = SessionRequest(
        mode=payload.mode, count=payload.count, objective_ids=tuple(sorted(set(payload.objective_ids))),
        difficulty_min=payload.difficulty_min, difficulty_max=payload.difficulty_max, source=payload.source,
        from_session=payload.from_session if payload.source == "retake" else None,
        question_ids=tuple(payload.question_ids),
    )
    # As a click on Start: the same start resent moments later (a retry) gives the same session,
    # which is only ever one with nothing answered yet.
    session = session_start(user=request.user, exam=exam, request=session_request, reuse_recent=True)
    return Status(201, session_fields(session, answered=0))


@router.get("", response={200: SessionPageOut, **responses(401, 422)}, summary="The learner's sessions, newest first")
def session_list(request, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0, le=100_000)):
    mine = StudySession.objects.for_user(request.user).select_related("exam").order_by("-started_at", "-pk")
    count = mine.count()
    page = [session_expire_if_due(session=s) for s in mine[offset:offset + limit]]
    answered = selectors.answered_counts(session_ids=[s.pk for s in page if not s.is_finished])
    items = [session_fields(s, answered=answered.get(s.pk, 0) if not s.is_finished else None) for s in page]
    return {"items": items, "count": count, "next_offset": offset + limit if offset + limit < count else None}


@router.get("/{session_id}", response={200: SessionDetailOut, **responses(401, 404, 422)}, summary="One session")
@etag(private=True)
def session_detail(request, session_id: int = SessionId()):
    session = session_for_user(request, session_id)
    grid = list(session.items.values("position", "flagged", "response"))
    items = [{"position": g["position"], "flagged": g["flagged"], "answered": g["response"] is not None} for g in grid]
    return {**session_fields(session, answered=sum(1 for i in items if i["answered"])), "items": items}


def _show(request, session_id: int, position: int | None):
    session = session_for_user(request, session_id)
    item = item_of(session, position or session.current_position)
    item_mark_shown(item=item)
    return card(session, item)


@router.get("/{session_id}/current", response={200: CardOut, **responses(401, 404, 422)},
            summary="The question the learner is on")
def question_current(request, session_id: int = SessionId()):
    return _show(request, session_id, None)


@router.get("/{session_id}/questions/{position}", response={200: CardOut, **responses(401, 404, 422)},
            summary="One question of the session")
def question_detail(request, session_id: int = SessionId(), position: int = Position()):
    return _show(request, session_id, position)


def form_data(answer: dict) -> QueryDict:
    """The JSON answer as the HTML form's fields, which the question's type reads (parse)."""
    data = QueryDict(mutable=True)
    for key, value in answer.items():
        data.setlist(key, [str(v) for v in (value if isinstance(value, list) else [value])])
    return data


@router.post("/{session_id}/questions/{position}/answer",
             response={200: AnswerOut, **responses(401, 402, 404, 409, 422, 429)}, summary="Answer a question")
def answer(request, payload: AnswerIn, session_id: int = SessionId(), position: int = Position()):
    throttle(request, "answer")
    session, item = session_item_for_user(request, session_id, position)
    if session.is_finished:
        raise ApiError(409, "session_expired" if session.expired else "session_closed",
                       TIME_UP if session.expired else FINISHED)
    if item is None:
        raise ApiError(404, "not_found", "No such question in this session.")
    outcome = answer_record(item=item, data=form_data(payload.answer), client_seconds=payload.seconds,
                            confidence=payload.confidence, entitlements=plan_of(request))
    item = outcome.item
    item.session = session
    following = item.position + 1 if item.position < session.question_total else None
    return {"recorded": outcome.recorded, "question": card(session, item), "next_position": following}


@router.post("/{session_id}/questions/{position}/terminal",
             response={200: TerminalOut, **responses(401, 402, 404, 409, 422, 429)}, summary="Type a line in a CLI lab")
def terminal(request, payload: TerminalIn, session_id: int = SessionId(), position: int = Position()):
    """One line on one device of a CLI lab, kept with the question's work in progress; the lab is
    answered (and graded on the devices' state) through the answer endpoint."""
    throttle(request, "lab_line")
    session, item = session_item_for_user(request, session_id, position)
    if session.is_finished:
        raise ApiError(409, "session_expired" if session.expired else "session_closed",
                       TIME_UP if session.expired else FINISHED)
    if item is None or not item.question.kind.terminal:
        raise ApiError(404, "not_found", "No CLI lab at this position of the session.")
    entry = item_lab_line(item=item, device=payload.device, line=payload.line, reset=payload.reset)
    return {"device": payload.device, "output": entry["output"], "prompt": entry["next"], "refill": entry["refill"],
            "secret": entry["secret"]}


@router.post("/{session_id}/questions/{position}/flag",
             response={200: FlagOut, **responses(401, 404, 409, 422)}, summary="Flag a question for review")
def flag(request, payload: FlagIn, session_id: int = SessionId(), position: int = Position()):
    _, item = _open_item(request, session_id, position)
    item_flag(item=item, flagged=payload.flagged)
    return {"position": item.position, "flagged": item.flagged}


@router.post("/{session_id}/questions/{position}/bookmark",
             response={200: BookmarkOut, **responses(401, 404, 422)}, summary="Bookmark a question, with a note")
def bookmark(request, payload: BookmarkIn, session_id: int = SessionId(), position: int = Position()):
    _, item = _open_item(request, session_id, position)
    data = cleaned(BookmarkForm({"bookmarked": payload.bookmarked, "note": payload.note}))
    saved = bookmark_set(user=request.user, question=item.question, bookmarked=data["bookmarked"], note=data["note"])
    return {"question_id": item.question_id, "bookmarked": saved is not None, "note": saved.note if saved else ""}


@router.post("/{session_id}/questions/{position}/report",
             response={201: ReportOut, **responses(401, 404, 422, 429)}, summary="Report a problem with a question")
def report(request, payload: ReportIn, session_id: int = SessionId(), position: int = Position()):
    _, item = _open_item(request, session_id, position)
    throttle(request, "feedback")
    data = cleaned(FeedbackForm({"kind": payload.kind, "message": payload.message}))
    saved = feedback_report(user=request.user, question=item.question, kind=data["kind"], message=data["message"])
    return Status(201, {"id": saved.pk, "question_id": saved.question_id, "status": saved.status})


@router.post("/{session_id}/submit", response={200: SessionOut, **responses(401, 404, 422)},
             summary="Submit the session (again: no change)")
def submit(request, session_id: int = SessionId()):
    session = session_submit(session=session_for_user(request, session_id))
    return session_fields(session)


def _finished(request, session_id: int) -> StudySession:
    session = session_for_user(request, session_id)
    if not session.is_finished:
        raise ApiError(409, "not_finished", "Results and review open when the session is submitted.")
    return session


@router.get("/{session_id}/results", response={200: ResultsOut, **responses(401, 404, 409, 422)},
            summary="A finished session's score, by domain and objective")
@etag(private=True)
def results(request, session_id: int = SessionId()):
    session = _finished(request, session_id)
    details = selectors.results_details(session=session)
    domains = [
        {"number": d["number"], "name": d["name"], "correct": d["correct"], "total": d["total"],
         "objectives": [{k: o[k] for k in ("number", "name", "correct", "total")} for o in d["objectives"]]}
        for d in (session.report or {}).get("domains", [])
    ]
    return {"session": session_fields(session), "passing_score": session.exam.passing_score, "domains": domains,
            "answering_seconds": details["answering_seconds"], "average_seconds": details["average_seconds"],
            "to_retake": details["to_retake"]}


@router.get("/{session_id}/review", response={200: list[ReviewItemOut], **responses(401, 404, 409, 422)},
            summary="A finished session's questions with answers and explanations")
@etag(private=True)
def review(request, session_id: int = SessionId(),
           show: Literal["all", "wrong", "flagged", "correct"] = Query("all")):
    session = _finished(request, session_id)
    out = []
    for entry in selectors.review_items(session=session, show=show):
        item = entry["item"]
        item.session = session
        out.append({"position": item.position, "question_id": item.question_id, "type": item.question.kind.key,
                    "stem": item.question.stem, "stem_html": render_markdown(item.question.stem),
                    "answered": item.is_answered, "flagged": item.flagged, "feedback": feedback(item)})
    return out
