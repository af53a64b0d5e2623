"""Where mastery and readiness are computed: answers folded into each learner's progress, mastery
per objective, streak days, weekly figures and review cards (scheduled by study.scheduling), in
batches as they accumulate. The estimates themselves are study.estimator's."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from fsrs import Rating

from exams.models import Exam
from exams.selectors import exam_blueprint
from study import compiled_queries as compiled
from study import estimator as est
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, SessionItem, StudyDay, WeeklyStat
from study.scheduling import FINAL_DAYS, card_reviewed, review_due, review_rating


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fold_answer(row, *, correct: bool | float, difficulty: int, guess: float, at: datetime, drift: float) -> None:
    """One answer into a progress or mastery row (or anything with their fields, as the calibration
    command's synthetic learners have): the estimate aged from the row's last answer, then updated.
    A row's first answer starts from the prior, whatever the row was created with. `correct` may be
    partial credit (0 to 1); only a whole answer counts as a correct one."""
    if not row.answered:
        row.theta, row.variance = est.PRIOR_MEAN, est.PRIOR_VARIANCE
    row.theta, row.variance = est.ability_update(row.theta, row.variance, correct=correct, difficulty=difficulty,
                                                 guess=guess, idle_days=est.idle_days(row.last_answer_at, at), drift=drift)
    row.answered += 1
    row.correct += correct >= 1
    row.last_answer_at = at


def readiness_at(progress: ExamProgress, when: datetime | date, *,
                 masteries: Mapping[int, ObjectiveMastery] | None = None) -> est.Readiness | None:
    """The learner's readiness for the exam as of `when` (a date: from that day's start in their
    time zone), every estimate aged to it; None below the answers readiness needs. `masteries`
    (objective id → row) saves reading them when the caller has."""
    if progress.answered < est.MIN_ANSWERS_FOR_READINESS:
        return None
    if not isinstance(when, datetime):
        when = datetime.combine(when, datetime.min.time(), tzinfo=progress.user.zone)
    if masteries is None:
        masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=progress.user_id, exam=progress.exam_id)}
    return exam_readiness_at(progress.exam, when, overall=progress, objectives=masteries)


def exam_readiness_at(exam: Exam, when: datetime, *, overall: est.Estimate,
                      objectives: Mapping[int, est.Estimate]) -> est.Readiness:
    """The estimator's readiness for `exam` as of `when`: its blueprint, question count, passing
    share and guessing floor, for estimates a fold left (or a plan imagines)."""
    return est.readiness_at(when, blueprint=exam_blueprint(exam), overall=overall, objectives=objectives,
                            question_count=exam.question_count, passing_fraction=exam.passing_fraction,
                            guess=exam.guessing_floor)


def _locked(model, **lookup):
    """The row for `lookup`, locked for update; created on first use (without a savepoint on the
    common path, where the row already exists)."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        model.objects.get_or_create(**lookup)
        row = model.objects.select_for_update().get(**lookup)  # locked, whoever created it
    return row


def _add(model, values: dict, also: dict | None = None, **lookup) -> int:
    """Add to counters of the row for `lookup` (and set `also`); returns the rows changed (0: not there)."""
    also = also or {}
    lookup = {f"{k}_id" if isinstance(v, models.Model) else k: v.pk if isinstance(v, models.Model) else v
              for k, v in lookup.items()}
    if any(v is None for v in also.values()):  # NULL is no prepared value (a readiness not known yet)
        return model.objects.filter(**lookup).update(**{k: F(k) + v for k, v in values.items()}, **also)
    return compiled.bump(model, tuple(values), tuple(also), tuple(lookup))(
        **{f"where_{k}": v for k, v in lookup.items()},
        **{f"add_{k}": v for k, v in values.items()},
        **{f"set_{k}": v for k, v in also.items()},
    )


def _bump(model, values: dict, also: dict | None = None, **lookup) -> None:
    """Add to counters of the row for `lookup` (and set `also`), creating it on first use."""
    if not _add(model, values, also, **lookup):
        model.objects.get_or_create(**lookup)
        _add(model, values, also, **lookup)


# --- folding answers into progress ------------------------------------------------------------
# Practice answers are saved with `progress_pending` and folded in batches: when the session is
# submitted, before any page or selection reads progress (`progress_catch_up`), and by a periodic
# task for sessions left open. Folding a batch in answer order gives exactly what folding each
# answer as it came would have, for a fraction of the work on the request that saves the answer.
#
# A batch is planned before its write transaction: the rows it reads (progress, masteries, review
# cards) are read and the new values worked out with no lock held, then written in a short
# transaction that first checks nothing it read has moved: the answers are still pending, and
# each learner's progress row still has the answer count it was read with (every fold raises it;
# where the row was missing it must still be). On SQLite every write transaction queues for the
# one writer's lock, and planning a session's fold inside it held the lock for a whole submit
# (docs/performance-history.md, 1-2 December). Should the check fail (another tab or the periodic task folded meanwhile), the
# batch is folded again the careful way, planned and written under the locks, as before.


class _Moved(Exception):
    """A row a planned fold read has changed since: plan again under the lock."""


@dataclass
class _LearnerFold:
    """One learner's answers on one exam, planned: the rows to write and what they were read as."""

    locked: bool  # planned under the locks (written as read), or with none held (written checked)
    progress: ExamProgress
    read_answered: int | None  # the progress row's answer count when read; None: no row yet
    masteries: dict[int, ObjectiveMastery]
    created: set[int]  # objectives whose mastery row is new
    touched: set[int]  # objectives answered
    days: dict[date, list]
    weeks: dict[date, dict]
    new_cards: list[ReviewCard]
    changed_cards: list[ReviewCard]
    # Planned with no lock held: the days and weeks whose row was there (the others are inserted).
    days_there: set[date] = field(default_factory=set)
    weeks_there: set[date] = field(default_factory=set)


def _in_answer_order(items: Iterable[SessionItem]) -> list[SessionItem]:
    return sorted((i for i in items if i.is_correct is not None), key=lambda i: (i.answered_at, i.pk))


def _by_learner(answered: list[SessionItem]) -> list[list[SessionItem]]:
    groups: dict[tuple[int, int], list[SessionItem]] = defaultdict(list)
    for item in answered:
        if item.session.user_id is not None:  # an erased account's answers only count as statistics
            groups[(item.session.user_id, item.session.exam_id)].append(item)
    return [groups[key] for key in sorted(groups)]  # the same order in every fold: no two wait on each other


@transaction.atomic(savepoint=False)
def progress_record_answers(items: Iterable[SessionItem]) -> None:
    """Fold answered items into their learners' progress and the questions' statistics, in the
    order they were answered, under the locks (an exam simulation's submit, inside its own
    transaction; a planned fold that found its rows moved). Each item's `session` (with `exam`
    and `user`) and `question` are read from the item, so callers load them with it."""
    answered = _in_answer_order(items)
    _count_answers(answered)
    for group in _by_learner(answered):
        _write_fold(_plan_fold(group, lock=True))


def _count_answers(items: list[SessionItem]) -> None:
    """Per question: times answered, correct and seconds added, one prepared UPDATE per question
    in id order (so two folds never wait on each other's rows in opposite orders)."""
    totals: dict[int, list] = defaultdict(lambda: [0, 0, 0.0])
    for item in items:
        total = totals[item.question_id]
        total[0] += 1
        total[1] += bool(item.is_correct)
        total[2] += item.time_spent_seconds
    for question_id in sorted(totals):
        answered, correct, seconds = totals[question_id]
        compiled.add_answers(question=question_id, answered=answered, correct=correct, seconds=float(seconds))


_PROGRESS_FIELDS = ("answered", "correct", "study_seconds", "theta", "variance", "readiness", "readiness_low",
                    "readiness_high", "last_answer_at")


def _plan_fold(items: list[SessionItem], *, lock: bool) -> _LearnerFold:
    """One learner's answers on one exam, oldest first: ability, mastery, readiness, days, weeks
    and review schedules, each row read once. With `lock`, the rows are read locked (the progress
    row first: every such fold for this learner and exam waits there)."""
    session = items[0].session
    user, exam = session.user, session.exam
    if lock:
        progress = _locked(ExamProgress, user=user, exam=exam)
        read_answered = progress.answered
        masteries = ObjectiveMastery.objects.select_for_update().filter(user=user, exam=exam)
    else:
        progress = ExamProgress.objects.filter(user=user, exam=exam).first()
        read_answered = progress.answered if progress else None
        progress = progress or ExamProgress(user=user, exam=exam)
        masteries = ObjectiveMastery.objects.filter(user=user, exam=exam)
    progress.user, progress.exam = user, exam  # as loaded with the answers: readiness reads the exam without a query
    fold = _LearnerFold(locked=lock, progress=progress, read_answered=read_answered, masteries={m.objective_id: m for m in masteries},
                        created=set(), touched=set(), days=defaultdict(lambda: [0, 0.0]), weeks={},
                        new_cards=[], changed_cards=[])
    masteries = fold.masteries
    for n, item in enumerate(items):
        question, now, correct = item.question, item.answered_at, item.outcome
        mastery = masteries.get(question.objective_id)
        if mastery is None:
            mastery = ObjectiveMastery(user=user, exam=exam, objective_id=question.objective_id, variance=est.PRIOR_VARIANCE)
            masteries[question.objective_id] = mastery
            fold.created.add(question.objective_id)
        fold.touched.add(question.objective_id)
        guess = item.guessing_chance
        for row, drift in ((mastery, est.OBJECTIVE_DRIFT), (progress, est.LEARNING_DRIFT)):
            fold_answer(row, correct=correct, difficulty=question.difficulty, guess=guess, at=now, drift=drift)
        progress.study_seconds += item.time_spent_seconds
        local_day = now.astimezone(user.zone).date()
        fold.days[local_day][0] += 1
        fold.days[local_day][1] += item.time_spent_seconds
        week = fold.weeks.setdefault(week_start(local_day), {"answered": 0, "correct": 0})
        week["answered"] += 1
        week["correct"] += correct >= 1
        following = items[n + 1].answered_at.astimezone(user.zone).date() if n + 1 < len(items) else None
        if following is None or week_start(following) != week_start(local_day):
            # The week's readiness is the readiness after its last answer.
            readiness = readiness_at(progress, now, masteries=masteries)
            if readiness is not None:
                progress.readiness, progress.readiness_low, progress.readiness_high = (
                    readiness.probability, readiness.low, readiness.high)
            week["readiness"] = progress.readiness
    if not lock:
        fold.days_there = set(StudyDay.objects.filter(user=user, date__in=fold.days).values_list("date", flat=True))
        fold.weeks_there = set(WeeklyStat.objects.filter(user=user, exam=exam, week_start__in=fold.weeks)
                               .values_list("week_start", flat=True))
    _plan_reviews(fold, items, lock=lock)
    return fold


def _plan_reviews(fold: _LearnerFold, items: list[SessionItem], *, lock: bool) -> None:
    """The answered questions' review cards: FSRS's schedule, aimed at the learner's exam day if
    they set one (study.scheduling.review_due)."""
    session = items[0].session
    user, exam = session.user, session.exam
    pace = exam.duration_minutes * 60 / exam.question_count
    exam_day, weak = fold.progress.exam_date, set()
    if exam_day is not None and (exam_day - items[-1].answered_at.astimezone(user.zone).date()).days <= FINAL_DAYS:
        from study.planning import weak_objective_ids  # planning reads readiness from this module

        weak = weak_objective_ids(fold.progress, fold.masteries)
    cards = ReviewCard.objects.filter(user=user, question_id__in={i.question_id for i in items})
    cards = {c.question_id: c for c in (cards.select_for_update() if lock else cards)}
    new, changed = {}, set()  # question id → card
    for item in items:
        rating = review_rating(correct=item.outcome >= 1, confidence=item.confidence,
                               seconds=item.time_spent_seconds, pace_seconds=pace)
        existing = cards.get(item.question_id)
        card = card_reviewed(existing.card if existing else None, rating, item.answered_at)
        due = review_due(card, exam_day=exam_day, zone=user.zone, weak=item.question.objective_id in weak)
        if existing is None:
            existing = cards[item.question_id] = new[item.question_id] = ReviewCard(
                user=user, question_id=item.question_id, exam=exam)
        elif item.question_id not in new:
            changed.add(item.question_id)
        existing.card, existing.due, existing.last_rating = card.to_dict(), due, int(rating)
        existing.reviews += 1
        existing.lapses += rating == Rating.Again
    fold.new_cards = list(new.values())
    fold.changed_cards = [cards[pk] for pk in changed]


def _write_fold(fold: _LearnerFold) -> None:
    """Write a planned fold. Planned with no lock held, its progress row is written first and only
    if it still has the answer count it was read with (or, where there was none, if there still is
    none): otherwise `_Moved` (or the unique constraint's IntegrityError) rolls the transaction
    back. Every fold of this learner and exam writes that row first, so once it is written,
    nothing else the plan read can change before commit."""
    progress = fold.progress
    if fold.read_answered is None:
        progress.save(force_insert=True)
    elif fold.locked:
        progress.save()
    elif not ExamProgress.objects.filter(pk=progress.pk, answered=fold.read_answered).update(
            **{name: getattr(progress, name) for name in _PROGRESS_FIELDS}):
        raise _Moved
    user, exam = progress.user, progress.exam
    ObjectiveMastery.objects.bulk_create([fold.masteries[oid] for oid in fold.created])
    for oid in sorted(fold.touched - fold.created):
        m = fold.masteries[oid]
        compiled.set_mastery(pk=m.pk, theta=float(m.theta), variance=float(m.variance), answered=m.answered, correct=m.correct,
                     last_answer_at=m.last_answer_at)
    _write_counters(fold, StudyDay, "date", fold.days_there, {
        day: ({"answered": answered, "study_seconds": seconds}, {}) for day, (answered, seconds) in fold.days.items()
    }, user=user)
    _write_counters(fold, WeeklyStat, "week_start", fold.weeks_there, {
        start: ({"answered": week["answered"], "correct": week["correct"]}, {"readiness": week["readiness"]})
        for start, week in fold.weeks.items()
    }, user=user, exam=exam)
    ReviewCard.objects.bulk_create(fold.new_cards)
    if fold.changed_cards:
        ReviewCard.objects.bulk_update(fold.changed_cards, ["card", "due", "last_rating", "reviews", "lapses"])


def _write_counters(fold: _LearnerFold, model, key: str, there: set, rows: dict, **fixed) -> None:
    """A fold's study days or weeks: `rows` maps each `key` value to (counters to add, fields to
    set). Under the locks a row is created as needed; planned with no lock held, one that was
    there is added to and one that was not is inserted (should another fold have made it
    meanwhile, the unique constraint stops this one, which is then folded again under the lock)."""
    new = []
    for value, (counts, also) in rows.items():
        lookup = {**fixed, key: value}
        if fold.locked:
            _bump(model, counts, also, **lookup)
        elif value in there:
            _add(model, counts, also, **lookup)
        else:
            new.append(model(**lookup, **counts, **also))
    model.objects.bulk_create(new)


def progress_catch_up(*, user) -> int:
    """Fold the learner's pending practice answers into their progress before it is read (a
    page, a selection, an export). Returns how many were folded; with none pending it is one
    indexed read and takes no write lock."""
    if not compiled.pending_probe(user=user.pk):
        return 0
    return _fold_pending(compiled.pending_of(user.pk), user=user)


def progress_catch_up_stale(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Fold answers left pending in sessions nobody came back to (run periodically), so
    question statistics and weekly figures include them."""
    pending = SessionItem.objects.filter(progress_pending=True, answered_at__lt=timezone.now() - older_than)
    return _fold_pending(pending) if pending.exists() else 0


def _pending_items(pending, *, user=None, lock: bool) -> list[SessionItem]:
    if lock:
        pending = pending.select_for_update(of=("self",))
    items = list(pending.order_by().select_related("session__exam", "session__user", "question"))
    if user is not None:
        for item in items:
            item.session.user = user
    return items


def _fold_pending(pending, *, user=None) -> int:
    """Fold the pending answers: planned with no lock held, then written in a short transaction
    that checks the plan still holds (see above); when it does not, folded under the locks."""
    items = _pending_items(pending, user=user, lock=False)
    if not items:
        return 0
    answered = _in_answer_order(items)
    folds = [_plan_fold(group, lock=False) for group in _by_learner(answered)]
    try:
        with transaction.atomic():
            # The answers are claimed first: a fold of them running at the same moment (another
            # tab, the periodic task) leaves fewer than planned to claim, and this one yields.
            claimed = SessionItem.objects.filter(pk__in=[i.pk for i in items], progress_pending=True).update(
                progress_pending=False)
            if claimed != len(items):
                raise _Moved
            _count_answers(answered)
            for fold in folds:
                _write_fold(fold)
    except (_Moved, IntegrityError):
        return _fold_pending_locked(pending, user=user)
    return len(items)


@transaction.atomic
def _fold_pending_locked(pending, *, user=None) -> int:
    # Locked, then folded and cleared in one transaction: a fold running at the same moment
    # waits, then finds nothing left to fold.
    items = _pending_items(pending, user=user, lock=True)
    progress_record_answers(items)
    SessionItem.objects.filter(pk__in=[i.pk for i in items]).update(progress_pending=False)
    return len(items)


def pooled_masteries(*, user, exam: Exam, progress: ExamProgress | None = None) -> dict[int, tuple[int, int]]:
    """Objective id → (mastery percent, answers) for every objective of the exam."""
    if progress is None:
        progress = ExamProgress.objects.filter(user=user, exam=exam).first()
    overall = (progress.theta, progress.variance) if progress else (est.PRIOR_MEAN, est.PRIOR_VARIANCE)
    rows = {
        oid: (t, v, n)
        for oid, t, v, n in ObjectiveMastery.objects.filter(user=user, exam=exam).values_list(
            "objective_id", "theta", "variance", "answered"
        )
    }
    result = {}
    for domain in exam_blueprint(exam):
        for oid in domain.objective_ids:
            theta, variance, answered = rows.get(oid, (None, None, 0))
            pooled, _ = est.objective_posterior(theta, variance, overall_theta=overall[0], overall_variance=overall[1])
            result[oid] = (est.mastery_percent(pooled), answered)
    return result


def weakest_objectives(*, user, exam: Exam, limit: int) -> list[tuple[object, int]]:
    """The objectives with the lowest mastery among those the learner has answered (all
    objectives when none yet), weakest first, as (objective, mastery percent)."""
    from exams.models import Objective

    masteries = pooled_masteries(user=user, exam=exam)
    answered = {oid: m for oid, (m, n) in masteries.items() if n > 0}
    pool = answered or {oid: m for oid, (m, _) in masteries.items()}
    weakest = sorted(pool, key=lambda oid: (pool[oid], oid))[:limit]
    objectives = Objective.objects.in_bulk(weakest)
    return [(objectives[oid], pool[oid]) for oid in weakest if oid in objectives]
