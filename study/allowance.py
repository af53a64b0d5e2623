"""Where the free plan's usage is counted: billing asks through billing.usage (study registers
this in its AppConfig.ready), so billing never imports study. Which plan allows what is decided in
billing.entitlements; the daily answer allowance is kept on the user row (billing/compiled_queries.py)."""

from study.models import StudySession


class StudyUsage:
    def simulations_used(self, user, exam_id: int) -> int:
        return StudySession.objects.filter(user=user, exam_id=exam_id, mode=StudySession.Mode.EXAM).count()
