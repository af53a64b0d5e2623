"""An SVG exhibit is cleaned on upload: drawing kept, anything that could run or fetch dropped;
a file that is not an SVG drawing, or an XML bomb, is refused with the reason and nothing stored."""

import pytest

from exams.models import Question
from exams.svg import UnsafeSvg, svg_sanitised
from tests.exams.test_exhibit_upload_faults import question_form
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

HOSTILE = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50" onload="alert(1)">
  <script>alert(2)</script>
  <rect x="5" y="5" width="40" height="20" fill="#3b5bdb" onclick="alert(3)" style="fill:url(https://evil.example/x)"/>
  <text x="10" y="40" font-size="8">Router R1</text>
  <a href="https://evil.example"><circle cx="70" cy="20" r="10"/></a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <use xlink:href="#r1"/><use href="https://evil.example/sprite.svg#a"/>
</svg>"""


def test_it_keeps_the_drawing_and_drops_what_could_run_or_fetch():
    cleaned = svg_sanitised(HOSTILE).decode()
    assert '<rect x="5" y="5" width="40" height="20" fill="#3b5bdb"' in cleaned and ">Router R1</text>" in cleaned
    for gone in ("script", "alert", "onload", "onclick", "evil.example", "foreignObject", "<image", "<a "):
        assert gone not in cleaned, gone
    assert 'href="#r1"' in cleaned


@pytest.mark.parametrize("data, reason", [
    (b"<html><body>not a drawing</body></html>", "root element is not <svg>"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "not a well-formed SVG"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "declares a DTD or entities"),
])
def test_it_refuses_what_is_not_a_clean_svg_drawing(data, reason):
    with pytest.raises(UnsafeSvg, match=reason):
        svg_sanitised(data)


def test_admin_stores_the_cleaned_drawing_as_the_exhibit(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    question = QuestionFactory()
    client.force_login(admin_user)
    upload = SimpleUploadedFile("topology.svg", HOSTILE, content_type="image/svg+xml")
    response = client.post(f"/admin/exams/question/{question.pk}/change/", question_form(question, exhibit=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    stored = question.exhibit.read().decode()
    assert question.exhibit.name.endswith(".svg") and "Router R1" in stored and "alert" not in stored


def test_admin_refuses_an_svg_that_is_not_a_drawing_and_stores_nothing(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    question = QuestionFactory()
    client.force_login(admin_user)
    upload = SimpleUploadedFile("notes.svg", b"<html>no</html>", content_type="image/svg+xml")
    page = client.post(f"/admin/exams/question/{question.pk}/change/", question_form(question, exhibit=upload)).content.decode()
    assert "root element is not &lt;svg&gt;" in page
    assert not Question.objects.get(pk=question.pk).exhibit
