"""Rules that span rows, enforced by the database itself so no code path can break them:
a question's objective belongs to the question's exam, and a single-answer question (single
choice, true/false) never has two correct choices."""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER exams_question_objective_exam_insert BEFORE INSERT ON exams_question
    WHEN (SELECT d.exam_id FROM exams_objective o JOIN exams_domain d ON d.id = o.domain_id
          WHERE o.id = NEW.objective_id) IS NOT NEW.exam_id
    BEGIN SELECT RAISE(ABORT, 'question objective must belong to the question exam'); END
    """,
    """
    CREATE TRIGGER exams_question_objective_exam_update BEFORE UPDATE OF exam_id, objective_id ON exams_question
    WHEN (SELECT d.exam_id FROM exams_objective o JOIN exams_domain d ON d.id = o.domain_id
          WHERE o.id = NEW.objective_id) IS NOT NEW.exam_id
    BEGIN SELECT RAISE(ABORT, 'question objective must belong to the question exam'); END
    """,
    """
    CREATE TRIGGER exams_choice_single_correct_insert BEFORE INSERT ON exams_choice
    WHEN NEW.is_correct AND (SELECT type FROM exams_question WHERE id = NEW.question_id) IN ('single', 'truefalse')
     AND EXISTS (SELECT 1 FROM exams_choice c WHERE c.question_id = NEW.question_id AND c.is_correct)
    BEGIN SELECT RAISE(ABORT, 'a single-answer question can have only one correct choice'); END
    """,
    """
    CREATE TRIGGER exams_choice_single_correct_update BEFORE UPDATE OF is_correct, question_id ON exams_choice
    WHEN NEW.is_correct AND (SELECT type FROM exams_question WHERE id = NEW.question_id) IN ('single', 'truefalse')
     AND EXISTS (SELECT 1 FROM exams_choice c WHERE c.question_id = NEW.question_id AND c.is_correct AND c.id != NEW.id)
    BEGIN SELECT RAISE(ABORT, 'a single-answer question can have only one correct choice'); END
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "exams_question_objective_exam_insert",
        "exams_question_objective_exam_update",
        "exams_choice_single_correct_insert",
        "exams_choice_single_correct_update",
    )
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION exams_question_objective_exam_check() RETURNS trigger AS $$
    BEGIN
      IF (SELECT d.exam_id FROM exams_objective o JOIN exams_domain d ON d.id = o.domain_id
          WHERE o.id = NEW.objective_id) IS DISTINCT FROM NEW.exam_id THEN
        RAISE EXCEPTION 'question objective must belong to the question exam' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER exams_question_objective_exam BEFORE INSERT OR UPDATE OF exam_id, objective_id ON exams_question
    FOR EACH ROW EXECUTE FUNCTION exams_question_objective_exam_check()
    """,
    """
    CREATE FUNCTION exams_choice_single_correct_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.is_correct AND (SELECT type FROM exams_question WHERE id = NEW.question_id) IN ('single', 'truefalse')
         AND EXISTS (SELECT 1 FROM exams_choice c WHERE c.question_id = NEW.question_id AND c.is_correct
                     AND c.id IS DISTINCT FROM NEW.id) THEN
        RAISE EXCEPTION 'a single-answer question can have only one correct choice' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER exams_choice_single_correct BEFORE INSERT OR UPDATE OF is_correct, question_id ON exams_choice
    FOR EACH ROW EXECUTE FUNCTION exams_choice_single_correct_check()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS exams_question_objective_exam ON exams_question",
    "DROP FUNCTION IF EXISTS exams_question_objective_exam_check()",
    "DROP TRIGGER IF EXISTS exams_choice_single_correct ON exams_choice",
    "DROP FUNCTION IF EXISTS exams_choice_single_correct_check()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No content triggers written for {schema_editor.connection.vendor}.")
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
