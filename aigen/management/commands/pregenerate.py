from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aigen.services import ai_configured, exam_pregenerate
from exams.models import Exam


class Command(BaseCommand):
    help = "Queue AI generation jobs that fill every objective of an exam up to N questions (pending review)."

    def add_arguments(self, parser):
        parser.add_argument("exam_code", help="e.g. SY0-701")
        parser.add_argument(
            "--per-objective", type=int, default=settings.AI_PREGENERATE_PER_OBJECTIVE,
            help="Questions wanted per objective, pending and approved together (default: %(default)s).",
        )

    def handle(self, *args, exam_code, per_objective, **options):
        if not ai_configured():
            raise CommandError("AI generation is not configured: set AI_API_KEY in the environment.")
        exam = Exam.objects.filter(code__iexact=exam_code).first()
        if exam is None:
            raise CommandError(f"No exam with code {exam_code!r}.")
        if per_objective < 1:
            raise CommandError("--per-objective must be at least 1.")
        result = exam_pregenerate(exam=exam, per_objective=per_objective)
        for job in result.jobs:
            objectives = ", ".join(o.number for o in job.objectives.all())
            self.stdout.write(f"Job #{job.pk}: {job.requested_count} questions for {objectives} ({job.get_status_display()})")
        if result.full:
            self.stdout.write(f"{len(result.full)} objective(s) already have {per_objective} questions.")
        for reason in result.refused:
            self.stderr.write(reason)
        self.stdout.write(self.style.SUCCESS(f"{len(result.jobs)} job(s) started for {exam.code}."))
