"""The learner's progress: the dashboard's figures for every exam studied (readiness with its band,
accuracy per domain, weak and strong objectives, reviews due, streak, weekly trend), and one
exam's standing (mastery of every objective). Read through the dashboard's own selectors
(study/dashboard.py), so the app and the site always show the same figures; readiness is Pro's,
as on the site."""

from datetime import date, datetime, timedelta

from ninja import Router, Schema

from api.errors import responses
from billing.paywall import pricing_url
from study import estimator as est
from study import selectors
from study.dashboard import TREND_WEEKS, dashboard_for, exam_standing, readiness_shown
from study.progress import week_start
from study.views.access import plan_of

router = Router(tags=["progress"])


class ReadinessOut(Schema):
    probability: float  # the chance of passing today, 0 to 1
    low: float  # its likely range
    high: float
    shown: str  # as the site words it: "42%", "under 1%", "over 99%"
    band: str  # "likely 30% to 55%"
    ready: bool  # at or above the ready line (ready_threshold)


class DomainProgressOut(Schema):
    number: str
    name: str
    weight: int  # share of the exam, percent
    answered: int
    accuracy: int | None  # percent correct; null before any answer


class AreaOut(Schema):
    objective_id: int
    number: str
    name: str
    mastery: int  # percent: the chance of answering a medium question of the objective
    answered: int


class TrendWeekOut(Schema):
    week_start: date  # a Monday
    accuracy: int | None  # percent correct that week; null: no answers
    readiness: int | None  # percent at the week's end (Pro); null: not known or not shown


class ExamProgressOut(Schema):
    exam: str
    name: str
    answered: int
    correct: int
    accuracy: int | None
    study_seconds: int  # with a question open, not clock time
    last_answer_at: datetime | None
    exam_date: date | None  # the day the learner sits the real exam, if they said
    readiness: ReadinessOut | None  # null: not enough answers yet, or not on the learner's plan
    readiness_locked: bool  # the learner's plan does not show readiness (upgrade_url says where)
    answers_to_readiness: int  # answers still needed before readiness is known
    idle_days: int  # days since the last answer, allowed for in readiness (what may be forgotten)
    reviews_due: int  # spaced-repetition reviews due by the end of the learner's day
    domains: list[DomainProgressOut]
    weak: list[AreaOut]  # the weakest measured objectives
    strong: list[AreaOut]
    trend: list[TrendWeekOut]  # the last weeks, oldest first


class DashboardOut(Schema):
    streak: int  # consecutive days studied, to today (or yesterday when today has no answer yet)
    studied_today: bool
    total_answered: int
    total_seconds: int
    sessions_done: int
    reviews_due: int
    ready_threshold: int  # percent
    min_readiness_answers: int
    min_mastery_answers: int
    upgrade_url: str | None  # where Pro is bought, when readiness is locked
    exams: list[ExamProgressOut]  # most recently studied first


class ObjectiveStandingOut(Schema):
    id: int
    number: str
    name: str
    answered: int
    correct: int
    mastery: int | None  # null below min_mastery_answers
    needs: int  # answers still needed for a mastery figure


class DomainStandingOut(Schema):
    number: str
    name: str
    weight: int
    answered: int
    measured: int  # objectives with a mastery figure
    objectives: list[ObjectiveStandingOut]  # weakest first, unmeasured last


class LeverOut(Schema):
    """The objective whose shortfall weighs most in the exam: where answers move readiness most."""

    objective_id: int
    number: str
    name: str
    mastery: int
    domain_weight: int


class ExamStandingOut(Schema):
    exam: str
    answered: int
    exam_date: date | None
    readiness: ReadinessOut | None
    readiness_locked: bool
    upgrade_url: str | None
    answers_to_readiness: int
    unmeasured: int  # objectives without a mastery figure yet
    lever: LeverOut | None
    weakest: list[ObjectiveStandingOut]
    domains: list[DomainStandingOut]  # in blueprint order
    min_mastery_answers: int


def readiness_fields(progress, shown: bool) -> dict | None:
    words = readiness_shown(progress) if shown else None
    if words is None:
        return None
    return {"probability": progress.readiness, "low": progress.readiness_low, "high": progress.readiness_high,
            "shown": words["value"], "band": words["band"], "ready": words["ready"]}


def trend_weeks(trend: dict, today: date, shown: bool) -> list[dict]:
    """The dashboard chart's points (study.dashboard._trend: one x step per week, TREND_WEEKS
    weeks ending this one) as dated weeks."""
    step = trend["width"] / (TREND_WEEKS - 1)
    first = week_start(today) - timedelta(weeks=TREND_WEEKS - 1)
    weeks = [{"week_start": first + timedelta(weeks=n), "accuracy": None, "readiness": None} for n in range(TREND_WEEKS)]
    for x, _, value in trend["accuracy"]:
        weeks[round(x / step)]["accuracy"] = value
    if shown:
        for x, _, value in trend["readiness"]:
            weeks[round(x / step)]["readiness"] = value
    return weeks


def area_fields(area: dict) -> dict:
    objective = area["objective"]
    return {"objective_id": objective.pk, "number": objective.number, "name": objective.name,
            "mastery": area["mastery"], "answered": area["answered"]}


def standing_row(row: dict) -> dict:
    objective = row["objective"]
    return {"id": objective.pk, "number": objective.number, "name": objective.name, "answered": row["answered"],
            "correct": row["correct"], "mastery": row["mastery"], "needs": row["needs"]}


@router.get("", response={200: DashboardOut, **responses(401)}, summary="The learner's dashboard")
def dashboard(request):
    shown = plan_of(request).can_see_readiness
    board = dashboard_for(request.user)
    exams = []
    for exam_board in board["exams"]:
        progress = exam_board.progress
        exams.append({
            "exam": progress.exam.code, "name": progress.exam.name, "answered": progress.answered,
            "correct": progress.correct, "accuracy": progress.accuracy, "study_seconds": round(progress.study_seconds),
            "last_answer_at": progress.last_answer_at, "exam_date": progress.exam_date,
            "readiness": readiness_fields(progress, shown), "readiness_locked": not shown,
            "answers_to_readiness": exam_board.answers_to_readiness, "idle_days": exam_board.idle_days,
            "reviews_due": exam_board.due_today, "domains": exam_board.domains,
            "weak": [area_fields(a) for a in exam_board.weak], "strong": [area_fields(a) for a in exam_board.strong],
            "trend": trend_weeks(exam_board.trend, board["today"], shown),
        })
    return {
        "streak": board["streak"], "studied_today": board["studied_today"], "total_answered": board["total_answered"],
        "total_seconds": round(board["total_seconds"]), "sessions_done": board["sessions_done"],
        "reviews_due": board["due_total"], "ready_threshold": board["ready_threshold"],
        "min_readiness_answers": board["min_readiness_answers"], "min_mastery_answers": board["min_mastery_answers"],
        "upgrade_url": None if shown else request.build_absolute_uri(pricing_url()), "exams": exams,
    }


@router.get("/{code}", response={200: ExamStandingOut, **responses(401, 404)},
            summary="The learner's standing on one exam: mastery of every objective")
def exam_progress(request, code: str):
    shown = plan_of(request).can_see_readiness
    exam = selectors.exam_for_learner(code)
    standing = exam_standing(request.user, exam)
    progress = standing["progress"]
    lever = standing["lever"]
    return {
        "exam": exam.code, "answered": progress.answered if progress else 0,
        "exam_date": progress.exam_date if progress else None,
        "readiness": readiness_fields(progress, shown), "readiness_locked": not shown,
        "upgrade_url": None if shown else request.build_absolute_uri(pricing_url()),
        "answers_to_readiness": standing["answers_to_readiness"], "unmeasured": standing["unmeasured"],
        "lever": None if lever is None else {
            "objective_id": lever["objective"].pk, "number": lever["objective"].number,
            "name": lever["objective"].name, "mastery": lever["mastery"], "domain_weight": lever["domain"].weight},
        "weakest": [standing_row(row) for row in standing["weakest"]],
        "domains": [
            {"number": d["domain"].number, "name": d["domain"].name, "weight": d["domain"].weight,
             "answered": d["answered"], "measured": d["known"], "objectives": [standing_row(r) for r in d["objectives"]]}
            for d in standing["domains"]
        ],
        "min_mastery_answers": est.MIN_ANSWERS_FOR_MASTERY,
    }
