import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from exams.models import Choice, Domain, Exam, Objective, Question
from exams.question_types import question_errors
from exams.seed import SEED_DIR, SeedError, load_exam, load_exam_file

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in (Exam, Domain, Objective, Question, Choice, User)
    }


def test_test_env_loads_a_minimal_exam_and_demo_users_and_prints_passwords():
    output = seed("--env", "test")
    assert list(Exam.objects.values_list("code", flat=True)) == ["PTP-100"]
    assert Question.objects.servable().count() == 8
    assert "learner@pingtopass.local" in output and "password:" in output
    roles = {u.email: u.role for u in User.objects.all()}
    assert roles == {"learner@pingtopass.local": "learner", "moderator@pingtopass.local": "moderator", "admin@pingtopass.local": "admin"}


def test_running_it_twice_changes_nothing():
    seed("--env", "test")
    before = snapshot()
    output = seed("--env", "test")
    assert "unchanged" in output
    assert snapshot() == before


def test_force_reloads_edited_content_in_place():
    seed("--env", "test")
    question = Question.objects.get(seed_key="ptp-100-001")
    question.stem = "Vandalised"
    question.save()
    choice_ids = list(question.choices.values_list("id", flat=True))
    output = seed("--env", "test", "--force")
    assert "reloaded" in output
    question.refresh_from_db()
    assert question.stem == "How many bits long is an IPv4 address?"
    assert list(question.choices.values_list("id", flat=True)) == choice_ids


def test_bad_options_get_a_clear_message():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("seed", "--env", "staging")


@pytest.mark.parametrize("args, message", [
    (["--scale", "100", "--env", "dev"], "takes no --env or --force"),
    (["--learners", "10"], "--learners and --answers go with --scale"),
    (["--scale", "5"], "between 10 and 5,000,000"),
])
def test_options_that_do_not_go_together_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed", *args)
    assert not Exam.objects.exists()


def _edited_test_seed(tmp_path, edit):
    """The test seed file as `edit` (a function changing its JSON in place) leaves it, under its own name."""
    data = json.loads((SEED_DIR / "test" / "PTP-100.json").read_text())
    edit(data)
    path = tmp_path / "PTP-100.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("break_it, message", [
    (lambda d: d["domains"][0].pop("weight"), "missing field 'weight'"),
    (lambda d: d["questions"][0].update(difficulty="hard"), "invalid literal for int()"),
    (lambda d: d["questions"][0].pop("stem"), "missing field 'stem'"),
])
def test_a_file_with_missing_or_mistyped_fields_is_a_clear_error(tmp_path, break_it, message):
    path = _edited_test_seed(tmp_path, break_it)
    with pytest.raises(SeedError, match=f"PTP-100.json: malformed seed data .*{message}"):
        load_exam_file(path)
    assert not Exam.objects.exists()


@pytest.mark.parametrize("floor", [0.75, -0.1, "a quarter", True])
def test_an_exam_guessing_floor_outside_zero_to_a_half_is_refused(tmp_path, floor):
    path = _edited_test_seed(tmp_path, lambda d: d["exam"].update(guessing_floor=floor))
    with pytest.raises(SeedError, match="guessing_floor must be a number from 0 to 0.5"):
        load_exam_file(path)
    assert not Exam.objects.exists()


def test_an_exam_keeps_the_guessing_floor_its_file_gives_and_a_quarter_without_one(tmp_path):
    assert "guessing_floor" not in json.loads((SEED_DIR / "test" / "PTP-100.json").read_text())["exam"]
    load_exam_file(SEED_DIR / "test" / "PTP-100.json")
    assert Exam.objects.get().guessing_floor == 0.25
    load_exam_file(_edited_test_seed(tmp_path, lambda d: d["exam"].update(guessing_floor=0.2)), force=True)
    assert Exam.objects.get().guessing_floor == 0.2


def test_prod_env_needs_admin_credentials_and_creates_only_the_admin(monkeypatch):
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    with pytest.raises(CommandError, match="ADMIN_EMAIL"):
        seed("--env", "prod")
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "a-very-long-admin-password")
    seed("--env", "prod")
    seed("--env", "prod")
    assert [(u.email, u.role) for u in User.objects.all()] == [("ops@example.com", "admin")]
    assert Exam.objects.count() == 0


def test_dev_env_loads_three_real_exams_with_their_blueprints():
    seed("--env", "dev")
    exams = {e.code: e for e in Exam.objects.all()}
    assert set(exams) >= {"SY0-701", "SAA-C03", "200-301"}
    expected = {"SY0-701": [12, 22, 18, 28, 20], "SAA-C03": [30, 26, 24, 20], "200-301": [20, 20, 25, 10, 15, 10]}
    for code, weights in expected.items():
        assert list(exams[code].domains.values_list("weight", flat=True)) == weights
    assert (exams["SY0-701"].question_count, exams["SY0-701"].duration_minutes, exams["SY0-701"].passing_score) == (90, 90, 750)
    assert (exams["SAA-C03"].question_count, exams["SAA-C03"].duration_minutes, exams["SAA-C03"].passing_score) == (65, 130, 720)
    assert exams["200-301"].duration_minutes == 120
    for exam in exams.values():
        servable = Question.objects.servable().filter(exam=exam)
        assert servable.count() >= 30, exam.code
        covered = set(servable.values_list("objective__domain__number", flat=True))
        assert covered == set(exam.domains.values_list("number", flat=True)), exam.code


@pytest.mark.parametrize("path", sorted(SEED_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_seed_question_explains_every_choice(path):
    data = json.loads(path.read_text())
    for q in data["questions"]:
        assert all(c["explanation"].strip() for c in q.get("choices", [])), q["key"]  # performance-based: none
        assert q["explanation"].strip() and q["reference"].startswith("https://"), q["key"]


def test_a_malformed_file_is_refused_with_every_problem_named():
    data = json.loads((SEED_DIR / "test" / "PTP-100.json").read_text())
    data["domains"][0]["weight"] = 70
    data["questions"][0]["choices"][1]["correct"] = True
    with pytest.raises(ValueError) as error:
        load_exam(data)
    assert "sum to 110%" in str(error.value)
    assert "ptp-100-001: A single-choice question needs exactly one correct choice (it has 2)" in str(error.value)
    assert Exam.objects.count() == 0


def test_rules_reject_all_of_the_above():
    from exams.question_types import ChoiceData

    choices = [ChoiceData("A", True, "x"), ChoiceData("B", False, "x"), ChoiceData("All of the above", False, "x")]
    assert '"All/none of the above" choices are not allowed.' in question_errors(question_type="single", choose_count=1, choices=choices)
