"""An exhibit uploaded in admin to a media folder that is read-only or full: the form comes back with
the moderator's input and a message, the question is not changed (or not added), nothing is left in
the media folder, and operators get an ERROR line.

The faults are real: the media folder is a small tmpfs mounted for the test (remounted read-only, or
filled up), since the tests run as root and file permissions would not stop a write."""

import io
import logging
import random
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exams.models import Question
from tests.factories import QuestionFactory

PAGE = 4096
TMPFS_SIZE = 16 * PAGE


def png(name="diagram.png", seed=7) -> SimpleUploadedFile:
    """A real PNG of about 12 kB (noise does not compress), so a write of it spans several pages."""
    pixels = random.Random(seed).randbytes(64 * 64 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), pixels).save(buffer, format="PNG")
    assert buffer.tell() > 2 * PAGE
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def files_under(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(tmp_path, settings):
    """A tmpfs of 64 kB as MEDIA_ROOT, holding this month's folder for exhibits and one earlier exhibit."""
    mountpoint = tmp_path / "media"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mountpoint)], capture_output=True, text=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = str(mountpoint)
    (mountpoint / datetime.now().strftime("exhibits/%Y/%m")).mkdir(parents=True)
    (mountpoint / "exhibits/old.png").write_bytes(png("old.png", seed=1).read())
    yield mountpoint
    subprocess.run(["umount", str(mountpoint)], check=True)


def make_read_only(media: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)


def fill(media: Path, *, leave: int = 0) -> None:
    """Fill the tmpfs, then give back `leave` bytes (in whole pages, as tmpfs counts them)."""
    with open(media / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * PAGE)
        except OSError:
            pass
        filler.truncate(filler.tell() - leave)


def fill_leaving_one_page(media: Path) -> None:
    fill(media, leave=PAGE)


def question_form(question: Question, **changes) -> dict:
    data = {
        "exam": question.exam_id, "objective": question.objective_id, "type": question.type,
        "choose_count": question.choose_count, "difficulty": question.difficulty, "stem": question.stem,
        "explanation": question.explanation, "reference_url": "", "tags": "", "is_active": "on",
        "review_status": question.review_status, "review_note": "",
        "choices-TOTAL_FORMS": 0, "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
    }
    if question.pk:
        for i, choice in enumerate(question.choices.all()):
            data["choices-TOTAL_FORMS"] = data["choices-INITIAL_FORMS"] = i + 1
            data.update({
                f"choices-{i}-id": choice.pk, f"choices-{i}-question": question.pk,
                f"choices-{i}-position": choice.position, f"choices-{i}-text": choice.text,
                f"choices-{i}-explanation": choice.explanation, f"choices-{i}-match_text": "",
                **({f"choices-{i}-is_correct": "on"} if choice.is_correct else {}),
            })
    else:
        data["choices-TOTAL_FORMS"] = 4
        for i, (text, correct) in enumerate([("636", True), ("389", False), ("443", False), ("3269", False)]):
            data.update({f"choices-{i}-position": i + 1, f"choices-{i}-text": text,
                         f"choices-{i}-explanation": f"Why {text}.", f"choices-{i}-match_text": "",
                         **({f"choices-{i}-is_correct": "on"} if correct else {})})
    return {**data, **changes}


FAULTS = {
    "read-only": (make_read_only, "the media folder is read-only", "EROFS"),
    "full": (fill, "the media folder is full (no space left on device)", "ENOSPC"),
    "fills up mid-write": (fill_leaving_one_page, "the media folder is full (no space left on device)", "ENOSPC"),
}


def post_exhibit(client, *, form: str, user, question: Question):
    """Post the change form of `question`, or the add form of a question like it, with edits and an exhibit."""
    client.force_login(user)
    edits = {"stem": "Which port does LDAPS use? (edited)", "explanation": "Because 636.", "exhibit": png()}
    if form == "change":
        return client.post(f"/admin/exams/question/{question.pk}/change/", question_form(question, **edits))
    blank = Question(exam=question.exam, objective=question.objective, type=Question.Type.SINGLE)
    return client.post("/admin/exams/question/add/", question_form(blank, **edits))


def rows() -> dict:
    return {q.pk: (q.stem, q.explanation, q.exhibit.name, q.updated_at) for q in Question.objects.all()}


@pytest.mark.parametrize("large", [False, True], ids=["in-memory upload", "upload in a temporary file"])
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("form", ["change", "add"])
def test_it_shows_the_form_again_when_the_exhibit_cannot_be_written(
    client, moderator, admin_user, media, settings, caplog, fault, form, large
):
    if large:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # as a large exhibit: Django copies it from its temporary file
    cause, reason, code = FAULTS[fault]
    question = QuestionFactory(exhibit="exhibits/old.png")
    rows_before = rows()
    cause(media)
    files_before = files_under(media)
    caplog.set_level(logging.ERROR, logger="pingtopass.uploads")

    # A moderator may change questions but not add them.
    response = post_exhibit(client, form=form, user=moderator if form == "change" else admin_user, question=question)

    assert response.status_code == 200
    page = response.content.decode()
    assert (f"The exhibit could not be saved: {reason}. Nothing was changed; try again later or ask an operator."
            in page)
    assert "Please correct the error below." in page
    assert "Which port does LDAPS use? (edited)" in page and "Because 636." in page
    assert rows() == rows_before
    assert files_under(media) == files_before
    [record] = [r for r in caplog.records if r.name == "pingtopass.uploads"]
    assert record.levelno == logging.ERROR
    assert record.errno == code and code in record.getMessage()
    assert record.path.startswith(str(media / "exhibits")) and record.path in record.getMessage()


@pytest.mark.parametrize("large", [False, True], ids=["in-memory upload", "upload in a temporary file"])
def test_it_stores_an_exhibit_when_the_media_folder_has_room(client, moderator, media, settings, caplog, large):
    if large:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    question = QuestionFactory(exhibit="exhibits/old.png")
    client.force_login(moderator)
    upload = png()
    data = question_form(question, stem="Which port does LDAPS use? (edited)", exhibit=upload)

    response = client.post(f"/admin/exams/question/{question.pk}/change/", data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.stem == "Which port does LDAPS use? (edited)"
    assert question.exhibit.name == datetime.now().strftime("exhibits/%Y/%m/diagram.png")
    upload.seek(0)
    assert (media / question.exhibit.name).read_bytes() == upload.read()
    assert not [r for r in caplog.records if r.name == "pingtopass.uploads"]


def test_it_keeps_the_earlier_exhibit_when_the_media_folder_is_read_only(client, moderator, media):
    question = QuestionFactory(exhibit="exhibits/old.png")
    old = (media / "exhibits/old.png").read_bytes()
    make_read_only(media)
    client.force_login(moderator)

    response = client.post(f"/admin/exams/question/{question.pk}/change/", question_form(question, exhibit=png()))

    assert response.status_code == 200
    assert (media / "exhibits/old.png").read_bytes() == old
    question.refresh_from_db()
    assert question.exhibit.name == "exhibits/old.png"
    assert 'href="/media/exhibits/old.png"' in response.content.decode()  # "Currently:" on the form
