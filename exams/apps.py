from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _invalidate_blueprint(sender, instance, **kwargs):
    from exams.models import Domain, Exam, Objective
    from exams.selectors import exam_blueprint_invalidate

    if isinstance(instance, Exam):
        exam_blueprint_invalidate(instance.pk)
    elif isinstance(instance, Domain):
        exam_blueprint_invalidate(instance.exam_id)
    elif isinstance(instance, Objective):
        exam_blueprint_invalidate(instance.domain.exam_id)


class ExamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exams"

    def ready(self):
        for model_name in ("Exam", "Domain", "Objective"):
            model = self.get_model(model_name)
            post_save.connect(_invalidate_blueprint, sender=model, dispatch_uid=f"exams.blueprint.save.{model_name}")
            post_delete.connect(_invalidate_blueprint, sender=model, dispatch_uid=f"exams.blueprint.delete.{model_name}")
