"""A learner sees a question's exhibit in Chromium with DEBUG=0, as in production: the image
uploaded for the question is served by the app (pingtopass.media) and the browser draws it."""

import io

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from exams.models import Question
from tests.browser.journeys import QUESTION_URL, current_session, expect_question, log_in, open_exam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def without_media_handler(media_handler):
    """Django's live server answers MEDIA_URL itself, before the app; unwrap it, as under gunicorn."""
    return StaticFilesHandler(media_handler.application)


@pytest.fixture
def app_server(transactional_db):
    """The app on a live server. A test names it before `page`, so that Chromium has closed its
    connections when the server stops (they share the test's in-memory database)."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = without_media_handler
    server.start()
    yield server
    server.stop()


def test_a_learner_sees_the_exhibit_of_a_practice_question(
    app_server, page: Page, learner, password, seeded_exam, settings, tmp_path, shoot
):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = io.BytesIO()
    Image.new("RGB", (120, 80), "darkorange").save(picture, format="PNG")
    questions = Question.objects.filter(exam=seeded_exam)
    first = questions.first()
    first.exhibit.save("network-diagram.png", ContentFile(picture.getvalue()))
    questions.update(exhibit=first.exhibit.name)  # whichever question comes first shows it

    log_in(page, app_server, shoot, email=learner.email, password=password, prefix="exhibit")
    open_exam(page, app_server, shoot, "exhibit")
    exhibit_responses = []
    page.on("response", lambda r: exhibit_responses.append(r) if "/media/exhibits/" in r.url else None)
    page.locator("#practice").get_by_role("button", name="Start practice").click()
    page.wait_for_url(QUESTION_URL)
    expect_question(page, 1)
    assert current_session(page).items.get(position=1).question.exhibit.name == first.exhibit.name

    image = page.locator("#session-main figure.exhibit img")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    shoot("exhibit-practice-question")

    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [120, 80]
    assert [(r.status, r.header_value("content-type")) for r in exhibit_responses] == [(200, "image/png")]
