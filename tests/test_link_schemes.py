"""A URL field written without a form (an import, a script, the seed, an API) can hold anything.
Whatever it holds, no page draws it as a link unless it is http(s): not the answered card, the
session review, the moderators' preview, the exam page or the admin's forms. The models, the
seed loader and the AI quality gate refuse such URLs by the same rule (pingtopass.links)."""

import json

import pytest
from django.core.exceptions import ValidationError

from aigen.quality import item_problems
from aigen.schema import item_parse
from exams.models import Exam, Question
from exams.seed import SEED_DIR, validate_exam_data
from tests.aigen.samples import GOOD, with_changes
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import ExamFactory, GenerationJobFactory, QuestionFactory
from tests.hrefs import hrefs, normalise, scheme

pytestmark = pytest.mark.django_db

# Each is something a browser would run, open as a document or send off-site if it were an href.
HOSTILE = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript://example.com/%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/phish",
]
HTTPS = "https://www.rfc-editor.org/rfc/rfc4253"
LINKABLE_SCHEMES = {None, "http", "https", "mailto"}  # None: the site's own relative links


def live_links(html: str, url: str) -> list[str]:
    """The hrefs in the page a browser would follow somewhere it must not: another scheme, or
    the stored URL itself (scheme-relative ones read as relative)."""
    return [href for href in hrefs(html) if scheme(href) not in LINKABLE_SCHEMES or href == normalise(url)]


def answer_all(client, session):
    for item in session.items.all():
        data = correct_post_data(item) if item.position % 2 else wrong_post_data(item)
        client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", data)


@pytest.fixture
def answered_card(learner_client, learner, start):
    item = start(learner).items.get(position=1)

    def render(url):
        Question.objects.filter(pk=item.question_id).update(reference_url=url)
        answer = f"/sessions/{item.session_id}/q/1/answer/"
        return learner_client.post(answer, correct_post_data(item), follow=True).content.decode()

    return render


@pytest.fixture
def review_page(learner_client, learner, start, test_exam):
    session = start(learner)
    answer_all(learner_client, session)
    learner_client.post(f"/sessions/{session.pk}/submit/")

    def render(url):
        Question.objects.filter(exam=test_exam).update(reference_url=url)
        return learner_client.get(f"/sessions/{session.pk}/review/").content.decode()

    return render


@pytest.fixture
def moderator_preview(client, moderator):
    job = GenerationJobFactory(status="succeeded", created_count=1)
    question = QuestionFactory(exam=job.exam, objective=job.objectives.get(), source="ai", ai_model="test/model",
                               ai_job_id=job.pk, review_status="pending", reviewed_at=None)
    client.force_login(moderator)

    def render(url):
        Question.objects.filter(pk=question.pk).update(reference_url=url)
        response = client.get(f"/admin/aigen/aiquestion/{question.pk}/change/", follow=True)
        assert response.redirect_chain[-1][0] == f"/admin/exams/question/{question.pk}/preview/"
        return response.content.decode()

    return render


@pytest.fixture
def exam_page(learner_client, test_exam):
    def render(url):
        Exam.objects.filter(pk=test_exam.pk).update(vendor_url=url)
        return learner_client.get(test_exam.get_absolute_url()).content.decode()

    return render


def admin_form(client, admin_user, obj, field: str):
    """The admin's change form of `obj`, drawn with `field` holding the URL given."""
    client.force_login(admin_user)
    meta = obj._meta

    def render(url):
        type(obj).objects.filter(pk=obj.pk).update(**{field: url})
        return client.get(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/").content.decode()

    return render


@pytest.fixture
def admin_question_form(client, admin_user):
    return admin_form(client, admin_user, QuestionFactory(), "reference_url")


@pytest.fixture
def admin_exam_form(client, admin_user):
    return admin_form(client, admin_user, ExamFactory(), "vendor_url")


PAGES = ["answered_card", "review_page", "moderator_preview", "exam_page", "admin_question_form", "admin_exam_form"]


@pytest.mark.parametrize("page", PAGES)
def test_it_never_draws_a_stored_non_http_url_as_a_link(request, page):
    render = request.getfixturevalue(page)
    found = {url: live_links(render(url), url) for url in HOSTILE}
    assert found == {url: [] for url in HOSTILE}


@pytest.mark.parametrize("page", PAGES)
def test_it_still_links_an_https_url(request, page):
    render = request.getfixturevalue(page)
    assert HTTPS in hrefs(render(HTTPS))


def test_the_learner_still_reads_a_refused_reference_as_text(answered_card):
    html = answered_card("javascript:alert(document.domain)")
    assert "Reference: javascript:alert(document.domain)" in html


REFUSED = [*HOSTILE, "ftp://example.com/spec", "https://", "https://example.com/a b", "/relative/page"]


@pytest.mark.parametrize("url", REFUSED)
def test_the_models_refuse_it(url):
    question = QuestionFactory(reference_url=HTTPS)
    question.exam.vendor_url = HTTPS
    question.full_clean()
    question.exam.full_clean()

    question.reference_url = question.exam.vendor_url = url
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "reference_url" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        question.exam.full_clean()
    assert "vendor_url" in refused.value.message_dict


@pytest.mark.parametrize("url", REFUSED)
def test_the_seed_loader_and_the_ai_gate_refuse_it(url):
    data = json.loads((SEED_DIR / "test" / "PTP-100.json").read_text(encoding="utf-8"))
    assert validate_exam_data(data) == []
    data["exam"]["vendor_url"] = data["questions"][0]["reference"] = url
    key = data["questions"][0]["key"]
    assert validate_exam_data(data) == [
        "The exam's vendor_url must be an http(s) URL.", f"{key}: The reference must be an http(s) URL."
    ]

    item, schema_problems = item_parse(with_changes(GOOD[0], reference_url=url))
    assert schema_problems == [] and item_problems(item) == [
        "The reference must be an http(s) URL of at most 500 characters."
    ]
