"""AI question generation: start jobs, run them batch by batch, pre-generate an exam.

Everything a job writes is a *pending* question marked as AI-written with its model and job;
only a moderator's approval makes it servable."""

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from time import sleep

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.audit import audit_log
from aigen import prompts
from aigen.client import Attempt, LLMClient, LLMFailed
from aigen.costs import job_cost_estimate, tokens_cost, usd
from aigen.models import DIFFICULTY_MIX_DEFAULT, TYPE_MIX_DEFAULT, GenerationJob, JobQuestion, LLMCall
from aigen.quality import DuplicateFinder, choice_data, choose_count, item_problems, stem_key
from aigen.schema import GeneratedQuestion, UnreadableAnswer, batch_items, item_parse
from aigen.selectors import budget_status
from exams.models import Choice, Exam, Objective, Question
from exams.selectors import blueprint_quota
from pingtopass.ratelimit import rate_limit_hit

logger = logging.getLogger("pingtopass.aigen")

Status = GenerationJob.Status
NOT_CONFIGURED = "AI generation is not configured: set AI_API_KEY (and AI_BASE_URL, AI_MODEL) in the environment."
DIFFICULTIES = ("1", "2", "3", "4", "5")


class GenerationRefused(Exception):
    """A job cannot start; the message tells the moderator why."""


def ai_configured() -> bool:
    return bool(settings.AI_API_KEY)


# --- starting -------------------------------------------------------------------------------
def _mix(mix: Mapping[str, int], *, allowed: Iterable[str], what: str) -> dict[str, int]:
    cleaned = {str(key): int(weight) for key, weight in mix.items() if int(weight) > 0}
    unknown = sorted(set(cleaned) - set(allowed))
    if unknown:
        raise GenerationRefused(f"Unknown {what}: {', '.join(unknown)}.")
    if not cleaned:
        raise GenerationRefused(f"Give at least one {what} a weight above zero.")
    return cleaned


def generation_job_start(
    *, exam: Exam, count: int, started_by=None, objectives: Iterable[Objective] | None = None,
    type_mix: Mapping[str, int] | None = None, difficulty_mix: Mapping[str, int] | None = None, request=None,
) -> GenerationJob:
    """Queue a job that writes `count` questions spread over `objectives` (default: all of the exam's).

    Refused, with the reason, when AI is not configured, the request is malformed, or the job's
    estimated cost does not fit in what is left of the month's AI budget."""
    if not ai_configured():
        raise GenerationRefused(NOT_CONFIGURED)
    objectives = list(objectives or Objective.objects.filter(domain__exam=exam).select_related("domain"))
    if not objectives:
        raise GenerationRefused(f"{exam.code} has no objectives to write questions for.")
    if any(objective.domain.exam_id != exam.pk for objective in objectives):
        raise GenerationRefused(f"Every objective must belong to {exam.code}.")
    if not 1 <= count <= settings.AI_MAX_JOB_QUESTIONS:
        raise GenerationRefused(f"Ask for 1 to {settings.AI_MAX_JOB_QUESTIONS} questions per job.")
    type_mix = _mix(type_mix or TYPE_MIX_DEFAULT, allowed=Question.Type.values, what="question type")
    difficulty_mix = _mix(difficulty_mix or DIFFICULTY_MIX_DEFAULT, allowed=DIFFICULTIES, what="difficulty")
    model = settings.AI_MODEL
    estimate = job_cost_estimate(model=model, count=count)

    from aigen.tasks import generation_job_run_task

    with transaction.atomic():
        budget = budget_status()
        if estimate > budget.left:
            raise GenerationRefused(
                f"Not started: {count} questions would cost about {usd(estimate)}, but only {usd(budget.left)} "
                f"of the {usd(budget.limit)} monthly AI budget is left ({usd(budget.spent)} spent this month, "
                f"{usd(budget.reserved)} reserved by queued and running jobs)."
            )
        job = GenerationJob.objects.create(
            exam=exam, requested_count=count, type_mix=type_mix, difficulty_mix=difficulty_mix, model=model,
            estimated_cost_usd=estimate, started_by=started_by,
        )
        job.objectives.set(objectives)
        audit_log(
            "generation_started", request=request, actor=started_by, target=job, exam=exam.code, count=count,
            objectives=[objective.number for objective in objectives], model=model, estimated_cost_usd=str(estimate),
        )
        transaction.on_commit(lambda: generation_job_run_task.delay(job.pk))
    return job


@dataclass
class Pregeneration:
    jobs: list[GenerationJob] = field(default_factory=list)
    full: list[Objective] = field(default_factory=list)  # already have enough questions
    refused: list[str] = field(default_factory=list)  # why a job did not start


def exam_pregenerate(*, exam: Exam, per_objective: int | None = None, started_by=None, request=None) -> Pregeneration:
    """Fill every objective of the exam up to `per_objective` questions (settings.AI_PREGENERATE_PER_OBJECTIVE),
    one job per objective. Rejected questions do not count; questions still to come from queued and
    running jobs do, so running it twice does not double the work."""
    per_objective = per_objective or settings.AI_PREGENERATE_PER_OBJECTIVE
    result = Pregeneration()
    have = Counter(
        Question.objects.filter(exam=exam).exclude(review_status=Question.ReviewStatus.REJECTED)
        .values_list("objective_id", flat=True)
    )
    for job in GenerationJob.objects.active().filter(exam=exam).prefetch_related("objectives"):
        for objective_id, coming in job_questions_to_come(job).items():
            have[objective_id] += coming
    for objective in Objective.objects.filter(domain__exam=exam).select_related("domain"):
        missing = per_objective - have[objective.pk]
        if missing <= 0:
            result.full.append(objective)
            continue
        try:
            while missing > 0:
                count = min(missing, settings.AI_MAX_JOB_QUESTIONS)
                result.jobs.append(generation_job_start(
                    exam=exam, count=count, objectives=[objective], started_by=started_by, request=request,
                ))
                missing -= count
        except GenerationRefused as exc:
            result.refused.append(f"{objective.number}: {exc}")
    return result


@transaction.atomic
def generation_job_stop(*, job: GenerationJob, stopped_by) -> bool:
    """Stop a queued or running job; what it already saved stays for review. The worker notices
    before its next batch."""
    return bool(
        GenerationJob.objects.filter(pk=job.pk, status__in=GenerationJob.ACTIVE).update(
            status=Case(When(created_count__gt=0, then=Value(Status.PARTLY_SUCCEEDED)), default=Value(Status.FAILED)),
            error=f"Stopped by {stopped_by}.", finished_at=timezone.now(),
        )
    )


# --- running --------------------------------------------------------------------------------
def generation_job_run(*, job_id: int) -> GenerationJob:
    """Write the job's questions, batch by batch, until the count is reached or it must stop
    (failure budget spent, monthly budget spent, stopped by a moderator).

    Safe to retry and to run twice: it resumes from what is saved, and an item saved before is
    recognised by its stem key and never saved again."""
    now = timezone.now()
    # A job another worker is still running (its heartbeat is fresh) is left alone, so a message
    # redelivered by the broker never runs a job twice at once.
    claimed = GenerationJob.objects.claimable(now=now).filter(pk=job_id).update(status=Status.RUNNING, heartbeat_at=now)
    GenerationJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=timezone.now())
    job = GenerationJob.objects.select_related("exam").get(pk=job_id)
    if not claimed:
        return job
    if not ai_configured():
        return _job_finish(job, error=NOT_CONFIGURED)
    try:
        error = _job_generate(job)
    except Exception:  # the job must end in a final state whatever broke; the log has the traceback
        logger.exception("generation job %s stopped by an unexpected error", job_id)
        error = "Stopped by an unexpected error; the worker log has the details."
    return _job_finish(job, error=error)


def _job_finish(job: GenerationJob, *, error: str) -> GenerationJob:
    job.refresh_from_db()
    if job.created_count >= job.requested_count:
        status, error = Status.SUCCEEDED, ""
    else:
        status = Status.PARTLY_SUCCEEDED if job.created_count else Status.FAILED
    finished = GenerationJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=status, error=error, finished_at=timezone.now()
    )
    if not finished and job.created_count:
        # Stopped by a moderator while a batch was in flight: keep the stop message, but the
        # status counts what that batch saved.
        GenerationJob.objects.filter(pk=job.pk, status__in=[Status.FAILED, Status.PARTLY_SUCCEEDED]).update(status=status)
    job.refresh_from_db()
    return job


def generation_jobs_resume() -> list[int]:
    """Queue again the running jobs whose worker was lost (killed, restarted) so they finish."""
    lost = list(
        GenerationJob.objects.claimable(now=timezone.now()).filter(status=Status.RUNNING).values_list("pk", flat=True)
    )
    from aigen.tasks import generation_job_run_task

    for job_id in lost:
        generation_job_run_task.delay(job_id)
    return lost


def _throttle() -> None:
    """Wait for a slot under settings.AI_REQUESTS_PER_MINUTE (0: no limit), counted in the cache so
    every worker shares it."""
    if settings.AI_REQUESTS_PER_MINUTE <= 0:
        return
    while True:
        allowed, retry_after = rate_limit_hit("aigen-llm", "all", f"{settings.AI_REQUESTS_PER_MINUTE}/60")
        if allowed:
            return
        sleep(retry_after)


def _job_generate(job: GenerationJob) -> str:
    """Run batches until done; returns why it stopped early ("" when the count was reached)."""
    client = LLMClient.from_settings(throttle=_throttle)
    objectives = list(job.objectives.select_related("domain__exam"))
    duplicates = DuplicateFinder.for_exam(job.exam_id)
    asked = Counter()
    while True:
        GenerationJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(heartbeat_at=timezone.now())
        job.refresh_from_db()
        if job.status != Status.RUNNING or not job.remaining_count:
            return ""
        if job.failed_calls >= settings.AI_FAILURE_BUDGET:
            return f"Stopped after {job.failed_calls} failed calls. The last: {job.error}"
        budget = budget_status()
        if budget.spent >= budget.limit:
            return f"Stopped: the monthly AI budget of {usd(budget.limit)} is spent."
        objective, size = _next_batch(job, objectives, asked)
        asked[objective.pk] += 1
        _batch_run(job, objective=objective, size=size, client=client, duplicates=duplicates)


def _objective_gaps(job: GenerationJob, objective_ids: list[int]) -> dict[int, int]:
    """Per objective, its equal share of the job's count minus what the job wrote for it."""
    created = Counter(Question.objects.filter(ai_job_id=job.pk).values_list("objective_id", flat=True))
    share = blueprint_quota({pk: 1 for pk in objective_ids}, job.requested_count)
    return {pk: share[pk] - created[pk] for pk in objective_ids}


def job_questions_to_come(job: GenerationJob) -> dict[int, int]:
    """Per objective, how many questions the job has still to write (it shares its count equally)."""
    return {pk: max(0, gap) for pk, gap in _objective_gaps(job, [o.pk for o in job.objectives.all()]).items()}


def _next_batch(job: GenerationJob, objectives: list[Objective], asked: Counter) -> tuple[Objective, int]:
    """The objective furthest behind its share (round robin among those behind) and the batch size."""
    gaps = _objective_gaps(job, [o.pk for o in objectives])
    behind = [o for o in objectives if gaps[o.pk] > 0] or objectives
    objective = min(behind, key=lambda o: (asked[o.pk], -gaps[o.pk]))
    size = min(settings.AI_BATCH_SIZE, job.remaining_count, max(1, gaps[objective.pk]))
    return objective, size


def _plan(mix: Mapping[str, int], done: Counter, *, total: int, size: int) -> dict[str, int]:
    """What the next `size` questions should be, so the job as a whole follows the mix."""
    targets = blueprint_quota(dict(mix), total)
    behind = {key: targets[key] - done[key] for key in targets if targets[key] > done[key]}
    return {key: n for key, n in blueprint_quota(behind or dict(mix), size).items() if n}


def _batch_run(
    job: GenerationJob, *, objective: Objective, size: int, client: LLMClient, duplicates: DuplicateFinder
) -> None:
    saved = Question.objects.filter(ai_job_id=job.pk)
    messages = prompts.batch_messages(
        objective=objective, count=size,
        types=_plan(job.type_mix, Counter(saved.values_list("type", flat=True)), total=job.requested_count, size=size),
        difficulties=_plan(
            job.difficulty_mix, Counter(str(d) for d in saved.values_list("difficulty", flat=True)),
            total=job.requested_count, size=size,
        ),
        avoid=prompts.existing_stems(objective),
    )
    try:
        completion = client.complete(messages)
    except LLMFailed as exc:
        _calls_log(job, objective, exc.attempts)
        _job_count(job, failed_calls=1, error=str(exc))
        return
    *retried, answered = completion.attempts
    _calls_log(job, objective, retried)
    try:
        items = batch_items(completion.text)
    except UnreadableAnswer as exc:
        answered.outcome, answered.error = LLMCall.Outcome.INVALID, str(exc)
        _calls_log(job, objective, [answered], first=len(retried) + 1)
        _job_count(job, failed_calls=1, error=f"Unreadable answer: {exc}")
        return

    [call] = _calls_log(job, objective, [answered], first=len(retried) + 1, items_received=len(items))
    created, rejections, keys_saved_now = 0, [], set()
    for raw in items:
        if created >= job.remaining_count:
            break
        item, problems = item_parse(raw)
        if item is None:
            rejections.append({"stem": _stem_of(raw), "reasons": problems})
            continue
        key = stem_key(item.stem)
        if key not in keys_saved_now and JobQuestion.objects.filter(job=job, stem_key=key).exists():
            continue  # saved by an earlier run of this job
        problems = item_problems(item)
        if not problems and (duplicate := duplicates.find(item.stem)):
            problems = [str(duplicate)]
        if not problems:
            question, problems = generated_question_save(job=job, objective=objective, item=item)
            if question:
                created += 1
                keys_saved_now.add(key)
                duplicates.add(question.stem, question_id=question.pk)
                continue
        if problems:
            rejections.append({"stem": _stem_of(raw), "reasons": problems})
    call.items_created, call.rejections = created, rejections
    if not created:  # counts against the failure budget, so a model that only repeats itself ends the job
        call.error = "No item passed the quality gate." if rejections else "The answer held no new question."
    call.save(update_fields=["items_created", "rejections", "error"])
    _job_count(job, rejected_count=len(rejections), failed_calls=0 if created else 1, error=call.error)


def _stem_of(raw: object) -> str:
    stem = raw.get("stem") if isinstance(raw, dict) else None
    return str(stem if stem is not None else raw)[:300]


def _calls_log(job: GenerationJob, objective: Objective, attempts: list[Attempt], *, first: int = 1, **extra) -> list[LLMCall]:
    calls = []
    for number, attempt in enumerate(attempts, start=first):
        cost = tokens_cost(
            model=job.model, prompt_tokens=attempt.prompt_tokens, completion_tokens=attempt.completion_tokens
        )
        calls.append(LLMCall.objects.create(
            job=job, objective=objective, model=job.model, attempt=number, outcome=attempt.outcome,
            status_code=attempt.status_code, prompt_tokens=attempt.prompt_tokens,
            completion_tokens=attempt.completion_tokens, cost_usd=cost, latency_ms=attempt.latency_ms,
            raw_response=attempt.raw, error=attempt.error, **extra,
        ))
        GenerationJob.objects.filter(pk=job.pk).update(cost_usd=F("cost_usd") + cost)
    return calls


def _job_count(job: GenerationJob, *, rejected_count: int = 0, failed_calls: int = 0, error: str = "") -> None:
    changes = {"rejected_count": F("rejected_count") + rejected_count, "failed_calls": F("failed_calls") + failed_calls}
    if error:
        changes["error"] = error[:2000]
    GenerationJob.objects.filter(pk=job.pk).update(**changes)


def generated_question_save(
    *, job: GenerationJob, objective: Objective, item: GeneratedQuestion
) -> tuple[Question | None, list[str]]:
    """Save one item that passed the quality gate as a pending AI question with its choices, keyed
    by its stem for the job; (None, reasons) if the database refuses it, (None, []) if the job
    already has it."""
    is_truefalse = item.type == Question.Type.TRUE_FALSE
    try:
        with transaction.atomic():
            question = Question.objects.create(
                exam_id=job.exam_id, objective=objective, type=item.type, choose_count=choose_count(item),
                stem=item.stem, explanation=item.explanation, reference_url=item.reference_url,
                difficulty=item.difficulty, tags=", ".join(t.strip() for t in item.tags if t.strip())[:300],
                review_status=Question.ReviewStatus.PENDING, source=Question.Source.AI, ai_model=job.model,
                ai_job_id=job.pk,
            )
            Choice.objects.bulk_create([
                Choice(
                    question=question, text=data.text.capitalize() if is_truefalse else data.text,
                    is_correct=data.is_correct, explanation=data.explanation, position=position,
                    match_text=data.match_text if item.type == Question.Type.MATCHING else "",
                )
                for position, data in enumerate(choice_data(item), start=1)
            ])
            JobQuestion.objects.create(job=job, question=question, stem_key=stem_key(item.stem))
            GenerationJob.objects.filter(pk=job.pk).update(created_count=F("created_count") + 1)
    except IntegrityError as exc:
        if JobQuestion.objects.filter(job=job, stem_key=stem_key(item.stem)).exists():
            return None, []  # another run of this job saved it a moment ago
        return None, [f"The database refused it: {exc}"]
    return question, []
