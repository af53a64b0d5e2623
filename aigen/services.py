"""AI question generation: start jobs, run them batch by batch, pre-generate an exam.

Everything a job writes is a *pending* question marked as AI-written with its model and job;
only a moderator's approval makes it servable."""

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from time import sleep

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Model, QuerySet, Value, When
from django.utils import timezone

from accounts.audit import audit_log
from aigen import prompts
from aigen.client import Attempt, LLMClient, LLMFailed
from aigen.costs import call_cost_estimate, job_cost_estimate, tokens_cost, usd
from aigen.lease import JobLease
from aigen.models import DIFFICULTY_MIX_DEFAULT, TYPE_MIX_DEFAULT, GenerationJob, JobQuestion, LLMCall
from aigen.quality import DuplicateFinder, choice_data, choose_count, item_problems, simulation_data, stem_key
from aigen.schema import GeneratedQuestion, UnreadableAnswer, batch_items, item_parse
from aigen.selectors import budget_status
from exams.models import Choice, Exam, Objective, Question
from exams.question_types import AI_TYPES
from exams.selectors import blueprint_quota
from pingtopass.queue import enqueue
from pingtopass.ratelimit import rate_limit_hit

logger = logging.getLogger("pingtopass.aigen")

Status = GenerationJob.Status
NOT_CONFIGURED = "AI generation is not configured: set AI_API_KEY (and AI_BASE_URL, AI_MODEL) in the environment."
DIFFICULTIES = ("1", "2", "3", "4", "5")
LOST_CALL = ("The worker stopped (killed or restarted) before the answer came back; the estimated cost is kept, "
             "as the provider may have charged it.")


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
    type_mix = _mix(type_mix or TYPE_MIX_DEFAULT, allowed=list(AI_TYPES), what="question type")
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
        transaction.on_commit(lambda: enqueue(generation_job_run_task, job.pk) or _job_not_queued(job))
    return job


def _job_not_queued(job: GenerationJob) -> None:
    """The broker did not take the job (pingtopass/queue.py logged why): nothing would ever run it,
    so it ends failed, holding none of the budget, and the moderator is told to start it again."""
    reason = "the task queue is unavailable. Nothing was spent; start the job again in a minute."
    GenerationJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.FAILED, error=f"Not started: {reason}", finished_at=timezone.now()
    )
    raise GenerationRefused(f"Job #{job.pk} was not started: {reason}")


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
    _calls_lost(GenerationJob.objects.stalled(now=timezone.now()).filter(pk=job.pk))
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
    _calls_lost(GenerationJob.objects.filter(pk=job_id))  # left in flight by a worker lost before this one
    if not ai_configured():
        return _job_finish(job, error=NOT_CONFIGURED)
    try:
        with JobLease(job_id) as lease:
            error = _job_generate(job, lease)
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


def generation_jobs_resume(*, job_ids: Iterable[int] | None = None) -> list[int]:
    """Queue again the stalled jobs (of `job_ids`, default all): running, but their worker was lost
    (killed, restarted) and their lease lapsed, so they finish. Returns the ids queued. The calls those workers left in flight
    will never be answered: they are marked lost, their estimated cost kept."""
    stalled = GenerationJob.objects.stalled(now=timezone.now())
    if job_ids is not None:
        stalled = stalled.filter(pk__in=list(job_ids))
    lost = list(stalled.values_list("pk", flat=True))
    _calls_lost(GenerationJob.objects.filter(pk__in=lost))
    from aigen.tasks import generation_job_run_task

    # A job the broker does not take stays stalled: the next sweep (or the moderator) tries again.
    return [job_id for job_id in lost if enqueue(generation_job_run_task, job_id)]


def _calls_lost(jobs: QuerySet[GenerationJob]) -> None:
    LLMCall.objects.filter(job__in=jobs, outcome=LLMCall.Outcome.SENT).update(
        outcome=LLMCall.Outcome.LOST, error=LOST_CALL
    )


def _throttle(*, waiting: Callable[[], None]) -> None:
    """Wait for a slot under settings.AI_REQUESTS_PER_MINUTE (0: no limit), counted in the cache so
    every worker shares it; `waiting` is called before each wait."""
    if settings.AI_REQUESTS_PER_MINUTE <= 0:
        return
    while True:
        allowed, retry_after = rate_limit_hit("aigen-llm", "all", f"{settings.AI_REQUESTS_PER_MINUTE}/60")
        if allowed:
            return
        waiting()
        sleep(retry_after)


def _job_generate(job: GenerationJob, lease: JobLease) -> str:
    """Run batches until done; returns why it stopped early ("" when the count was reached)."""
    client = LLMClient.from_settings(throttle=lambda: _throttle(waiting=lease.renew))
    objectives = list(job.objectives.select_related("domain__exam"))
    duplicates = DuplicateFinder.for_exam(job.exam_id)
    asked = Counter()
    while True:
        lease.renew()
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
        _batch_run(job, objective=objective, size=size, client=client, duplicates=duplicates, lease=lease)


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
    job: GenerationJob, *, objective: Objective, size: int, client: LLMClient, duplicates: DuplicateFinder,
    lease: JobLease,
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
    calls = _BatchCalls(
        job, objective, lease=lease, estimate=call_cost_estimate(model=job.model, messages=messages, count=size)
    )
    try:
        text = client.complete(messages, recorder=calls)
    except LLMFailed as exc:
        _job_count(job, failed_calls=1, error=str(exc))
        return
    call = calls.last
    try:
        items = batch_items(text)
    except UnreadableAnswer as exc:
        call.outcome, call.error = LLMCall.Outcome.INVALID, str(exc)
        call.save(update_fields=["outcome", "error"])
        _job_count(job, failed_calls=1, error=f"Unreadable answer: {exc}")
        return

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
    call.items_received, call.items_created, call.rejections = len(items), created, rejections
    if not created:  # counts against the failure budget, so a model that only repeats itself ends the job
        call.error = "No item passed the quality gate." if rejections else "The answer held no new question."
    call.save(update_fields=["items_received", "items_created", "rejections", "error"])
    _job_count(job, rejected_count=len(rejections), failed_calls=0 if created else 1, error=call.error)


def _stem_of(raw: object) -> str:
    stem = raw.get("stem") if isinstance(raw, dict) else None
    return str(stem if stem is not None else raw)[:300]


# --- the call log ---------------------------------------------------------------------------
def llm_call_record(
    *, purpose: str, model: str, estimate: Decimal, attempt: int = 1, job: GenerationJob | None = None,
    objective: Objective | None = None, subject: Model | None = None,
) -> LLMCall:
    """Put a request to the model on record before it leaves: outcome "sent", at its estimated cost,
    so it counts against the month's budget at once, even if the process dies while waiting.
    Every model call of the project goes through here, whatever its purpose (LLMCall.Purpose)."""
    return LLMCall.objects.create(
        purpose=purpose, job=job, objective=objective, subject=subject, model=model, attempt=attempt,
        outcome=LLMCall.Outcome.SENT, cost_usd=estimate,
    )


def llm_call_finish(*, call: LLMCall, attempt: Attempt | None) -> LLMCall:
    """What came back for a recorded call: its outcome, tokens and real cost. None (an unexpected
    error ended the request) marks it lost and keeps the estimate, as the provider may have charged it."""
    if attempt is None:
        call.outcome, call.error = LLMCall.Outcome.LOST, "The request ended in an unexpected error."
        call.save(update_fields=["outcome", "error"])
        return call
    call.outcome, call.status_code, call.latency_ms = attempt.outcome, attempt.status_code, attempt.latency_ms
    call.prompt_tokens, call.completion_tokens = attempt.prompt_tokens, attempt.completion_tokens
    call.raw_response, call.error = attempt.raw, attempt.error
    call.cost_usd = tokens_cost(model=call.model, prompt_tokens=attempt.prompt_tokens,
                                completion_tokens=attempt.completion_tokens)
    call.save(update_fields=["outcome", "status_code", "latency_ms", "prompt_tokens", "completion_tokens",
                             "raw_response", "error", "cost_usd"])
    return call


class LLMCallRecorder:
    """aigen.client's CallRecorder over the call log: each attempt of one request recorded before
    it leaves (llm_call_record) and finished when it returns (llm_call_finish). For any caller of
    LLMClient.complete; the generation job's batches add their job's cost on top (_BatchCalls)."""

    def __init__(self, *, purpose: str, model: str, estimate: Decimal, job: GenerationJob | None = None,
                 objective: Objective | None = None, subject: Model | None = None):
        self.purpose, self.model, self.estimate = purpose, model, estimate
        self.job, self.objective, self.subject = job, objective, subject
        self.calls: list[LLMCall] = []

    @property
    def last(self) -> LLMCall:
        return self.calls[-1]

    @property
    def cost(self) -> Decimal:
        return sum((call.cost_usd for call in self.calls), Decimal("0"))

    def sent(self) -> None:
        self.calls.append(llm_call_record(
            purpose=self.purpose, model=self.model, estimate=self.estimate, attempt=len(self.calls) + 1,
            job=self.job, objective=self.objective, subject=self.subject,
        ))

    def answered(self, attempt: Attempt | None) -> None:
        llm_call_finish(call=self.last, attempt=attempt)


class _BatchCalls(LLMCallRecorder):
    """The attempts at one batch's request, each on record before it leaves, counted in the job's
    cost and so in the month's budget. When it returns, the job's cost moves from the estimate to
    the real cost. A worker killed while waiting leaves the estimate standing (the provider may
    have charged it), and the next run of the job marks the call lost."""

    def __init__(self, job: GenerationJob, objective: Objective, *, lease: JobLease, estimate: Decimal):
        super().__init__(purpose=LLMCall.Purpose.GENERATION, model=job.model, estimate=estimate, job=job,
                         objective=objective)
        self.lease = lease

    def sent(self) -> None:
        self.lease.renew()
        with transaction.atomic():
            super().sent()
            GenerationJob.objects.filter(pk=self.job.pk).update(cost_usd=F("cost_usd") + self.estimate)

    def answered(self, attempt: Attempt | None) -> None:
        with transaction.atomic():
            super().answered(attempt)
            if attempt is not None:
                GenerationJob.objects.filter(pk=self.job.pk).update(
                    cost_usd=F("cost_usd") + self.last.cost_usd - self.estimate)
        self.lease.renew()


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
    already has it or all it asked for."""
    try:
        with transaction.atomic():
            # Counted first, and only below the asked count: two runs of one job at once (a worker
            # taken for lost that was only slow) can never save more than were asked for.
            counted = GenerationJob.objects.filter(pk=job.pk, created_count__lt=F("requested_count")).update(
                created_count=F("created_count") + 1
            )
            if not counted:
                return None, []
            question = Question.objects.create(
                exam_id=job.exam_id, objective=objective, type=item.type, choose_count=choose_count(item),
                stem=item.stem, explanation=item.explanation, reference_url=item.reference_url,
                difficulty=item.difficulty, tags=", ".join(t.strip() for t in item.tags if t.strip())[:300],
                review_status=Question.ReviewStatus.PENDING, source=Question.Source.AI, ai_model=job.model,
                ai_job_id=job.pk, simulation_data=simulation_data(item),
            )
            Choice.objects.bulk_create([
                Choice(
                    question=question, text=data.text, is_correct=data.is_correct, explanation=data.explanation,
                    position=position, match_text=data.match_text,
                )
                for position, data in enumerate(choice_data(item), start=1)
            ])
            JobQuestion.objects.create(job=job, question=question, stem_key=stem_key(item.stem))
    except IntegrityError as exc:
        if JobQuestion.objects.filter(job=job, stem_key=stem_key(item.stem)).exists():
            return None, []  # another run of this job saved it a moment ago
        return None, [f"The database refused it: {exc}"]
    return question, []
