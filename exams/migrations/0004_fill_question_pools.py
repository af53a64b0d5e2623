from django.db import migrations


def fill(apps, schema_editor):
    Question = apps.get_model("exams", "Question")
    QuestionSlot = apps.get_model("exams", "QuestionSlot")
    StratumSize = apps.get_model("exams", "StratumSize")
    sizes, exams, slots = {}, {}, []
    servable = Question.objects.filter(is_active=True, review_status="approved").order_by("objective_id", "difficulty", "id")
    for pk, exam, objective, difficulty in servable.values_list("pk", "exam_id", "objective_id", "difficulty"):
        key = (objective, difficulty)
        slots.append(QuestionSlot(question_id=pk, objective_id=objective, difficulty=difficulty, rank=sizes.get(key, 0)))
        sizes[key] = sizes.get(key, 0) + 1
        exams[key] = exam
    QuestionSlot.objects.bulk_create(slots, batch_size=5000)
    StratumSize.objects.bulk_create(
        StratumSize(exam_id=exams[k], objective_id=k[0], difficulty=k[1], size=n) for k, n in sizes.items()
    )


class Migration(migrations.Migration):
    dependencies = [("exams", "0003_question_pools")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
