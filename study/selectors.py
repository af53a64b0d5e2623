from django.db.models import Count, Q

from exams.models import Exam, Question


def exam_catalogue():
    """Active exams with the number of questions a learner can be served, in one query."""
    servable = Q(
        questions__is_active=True, questions__review_status=Question.ReviewStatus.APPROVED
    )
    return Exam.objects.active().annotate(servable_count=Count("questions", filter=servable))
