from django.db import migrations


def fill(apps, schema_editor):
    Question = apps.get_model("exams", "Question")
    QuestionSlot = apps.get_model("exams", "QuestionSlot")
    StratumSize = apps.get_model("exams", "StratumSize")
    members, exams = {}, {}
    servable = Question.objects.filter(is_active=True, review_status="approved").order_by("objective_id", "difficulty", "id")
    for pk, exam, objective, difficulty in servable.values_list("pk", "exam_id", "objective_id", "difficulty"):
        members.setdefault((objective, difficulty), []).append(pk)
        exams[(objective, difficulty)] = exam
    for (objective, difficulty), ids in members.items():
        stratum = StratumSize.objects.create(exam_id=exams[(objective, difficulty)], objective_id=objective,
                                             difficulty=difficulty, size=len(ids))
        QuestionSlot.objects.bulk_create(
            QuestionSlot(question_id=pk, stratum_id=stratum.pk, rank=rank, key=(stratum.pk << 32) + rank)
            for rank, pk in enumerate(ids)
        )


class Migration(migrations.Migration):
    dependencies = [("exams", "0003_question_pools")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
