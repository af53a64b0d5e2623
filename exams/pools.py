"""Question pools: every servable question holds a gap-free rank within its stratum
(objective × difficulty), so selection draws uniform random ranks and looks them up through an
index instead of scanning or sorting the whole pool.

`question_pool_sync` keeps the ranks right: call it after anything that can change whether a
question is servable or which stratum it is in (a post_save signal covers `save()`; bulk
`update()` callers call it themselves). Removing a question moves the stratum's last question
into its rank, so ranks stay 0..size-1.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from exams.models import Question, QuestionSlot, StratumSize


def catalogue_invalidate() -> None:
    from exams.selectors import catalogue_invalidate as invalidate

    invalidate()


def _is_servable(question: Question) -> bool:
    return question.is_active and question.review_status == Question.ReviewStatus.APPROVED


def _stratum(objective_id: int, difficulty: int, exam_id: int | None = None) -> StratumSize:
    stratum, _ = StratumSize.objects.select_for_update().get_or_create(
        objective_id=objective_id, difficulty=difficulty, defaults={"exam_id": exam_id}
    )
    return stratum


def pool_remove(slot: QuestionSlot) -> None:
    stratum = StratumSize.objects.select_for_update().get(pk=slot.stratum_id)
    last_rank = stratum.size - 1
    slot.delete()
    if slot.rank != last_rank:
        QuestionSlot.objects.filter(stratum=stratum, rank=last_rank).update(
            rank=slot.rank, key=QuestionSlot.make_key(stratum.pk, slot.rank)
        )
    StratumSize.objects.filter(pk=stratum.pk).update(size=F("size") - 1)


def _add(question: Question) -> None:
    stratum = _stratum(question.objective_id, question.difficulty, question.exam_id)
    QuestionSlot.objects.create(
        question=question, stratum=stratum, rank=stratum.size, key=QuestionSlot.make_key(stratum.pk, stratum.size)
    )
    StratumSize.objects.filter(pk=stratum.pk).update(size=F("size") + 1)


@transaction.atomic
def question_pool_sync(question_ids: Iterable[int]) -> None:
    """Bring the pool in line with these questions' current state."""
    ids = list(question_ids)
    questions = Question.objects.in_bulk(ids)
    slots = {s.question_id: s for s in QuestionSlot.objects.filter(question_id__in=ids).select_related("stratum")}
    for pk in ids:
        question, slot = questions.get(pk), slots.get(pk)
        wanted = question is not None and _is_servable(question)
        in_place = slot is not None and question is not None and (
            slot.stratum.objective_id == question.objective_id and slot.stratum.difficulty == question.difficulty
        )
        if slot is not None and not (wanted and in_place):
            pool_remove(slot)
            slot = None
        if wanted and slot is None:
            _add(question)
    transaction.on_commit(catalogue_invalidate)


@transaction.atomic
def question_pools_rebuild(*, exam_id: int | None = None) -> int:
    """Recompute every rank from scratch (after bulk loads, or to repair); returns slots written."""
    questions = Question.objects.servable().order_by("objective_id", "difficulty", "id")
    strata = StratumSize.objects.all()
    if exam_id is not None:
        questions = questions.filter(exam_id=exam_id)
        strata = strata.filter(exam_id=exam_id)
    QuestionSlot.objects.filter(stratum__in=strata).delete()
    strata.delete()
    members: dict[tuple[int, int], list[int]] = {}
    exams: dict[tuple[int, int], int] = {}
    for pk, exam, objective, difficulty in questions.values_list("pk", "exam_id", "objective_id", "difficulty").iterator():
        members.setdefault((objective, difficulty), []).append(pk)
        exams[(objective, difficulty)] = exam
    StratumSize.objects.bulk_create(
        StratumSize(exam_id=exams[key], objective_id=key[0], difficulty=key[1], size=len(ids)) for key, ids in members.items()
    )
    ids_by_key = {
        (objective, difficulty): pk
        for pk, objective, difficulty in StratumSize.objects.filter(exam_id__in=set(exams.values())).values_list(
            "pk", "objective_id", "difficulty"
        )
    }
    batch = []
    for key, question_ids in members.items():
        stratum_id = ids_by_key[key]
        for rank, pk in enumerate(question_ids):
            batch.append(QuestionSlot(question_id=pk, stratum_id=stratum_id, rank=rank, key=QuestionSlot.make_key(stratum_id, rank)))
            if len(batch) >= 5000:
                QuestionSlot.objects.bulk_create(batch)
                batch = []
    QuestionSlot.objects.bulk_create(batch)
    transaction.on_commit(catalogue_invalidate)
    return sum(len(ids) for ids in members.values())
