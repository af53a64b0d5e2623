from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


def _invalidate_blueprint(sender, instance, **kwargs):
    from exams.models import Domain, Exam, Objective
    from exams.selectors import exam_blueprint_invalidate

    if isinstance(instance, Exam):
        from exams.selectors import catalogue_invalidate

        exam_blueprint_invalidate(instance.pk)
        catalogue_invalidate()
    elif isinstance(instance, Domain):
        exam_blueprint_invalidate(instance.exam_id)
    elif isinstance(instance, Objective):
        exam_blueprint_invalidate(instance.domain.exam_id)


def _sync_pool(sender, instance, raw=False, **kwargs):
    from exams.pools import question_pool_sync

    if not raw:
        question_pool_sync([instance.pk])


def _leave_pool(sender, instance, **kwargs):
    from django.db import transaction

    from exams.models import QuestionSlot
    from exams.pools import pool_remove

    slot = QuestionSlot.objects.filter(question_id=instance.pk).first()
    if slot is not None:
        with transaction.atomic():
            pool_remove(slot)


def _touch_question(sender, instance, raw=False, **kwargs):
    """A choice changed: its question counts as changed, so caches keyed by the question's
    `updated_at` (exams.selectors.attach_cached_choices) read it afresh."""
    from django.utils import timezone

    from exams.models import Question

    if not raw:
        Question.objects.filter(pk=instance.question_id).update(updated_at=timezone.now())


class ExamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exams"

    def ready(self):
        for model_name in ("Exam", "Domain", "Objective"):
            model = self.get_model(model_name)
            post_save.connect(_invalidate_blueprint, sender=model, dispatch_uid=f"exams.blueprint.save.{model_name}")
            post_delete.connect(_invalidate_blueprint, sender=model, dispatch_uid=f"exams.blueprint.delete.{model_name}")
        question = self.get_model("Question")
        post_save.connect(_sync_pool, sender=question, dispatch_uid="exams.pool.save")
        pre_delete.connect(_leave_pool, sender=question, dispatch_uid="exams.pool.delete")
        choice = self.get_model("Choice")
        post_save.connect(_touch_question, sender=choice, dispatch_uid="exams.choice.save")
        post_delete.connect(_touch_question, sender=choice, dispatch_uid="exams.choice.delete")
