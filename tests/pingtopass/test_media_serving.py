"""Uploaded exhibits served by the app from the local disk (pingtopass.media), with DEBUG=0 as in
production: only image types, never anything outside the media folder, SVG unable to run script."""

import io
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.utils.http import http_date
from PIL import Image

from pingtopass.media import SVG_POLICY
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>'


def png_bytes(width: int = 40, height: int = 20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    assert settings.DEBUG is False
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def put(root, name: str, content: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_it_serves_an_uploaded_exhibit_as_the_image_it_is(client, media_root):
    question = QuestionFactory()
    question.exhibit.save("network diagram.png", ContentFile(png_bytes()))
    assert question.exhibit.url.startswith("/media/exhibits/")

    response = client.get(question.exhibit.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    assert response["Content-Disposition"].startswith("inline")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (40, 20)


def test_the_exhibit_on_a_learners_question_page_loads(learner_client, learner, start, media_root):
    session = start(learner)
    question = session.items.get(position=1).question
    question.exhibit.save("topology.png", ContentFile(png_bytes()))

    page = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    src = re.search(r'<figure class="exhibit"><img src="([^"]+)"', page).group(1)
    response = learner_client.get(src)

    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_browser_holding_the_file_is_told_it_has_not_changed(client, media_root):
    put(media_root, "exhibits/a.png", png_bytes())
    first = client.get("/media/exhibits/a.png")

    by_etag = client.get("/media/exhibits/a.png", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/media/exhibits/a.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    changed_since = client.get("/media/exhibits/a.png", HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert by_etag.status_code == 304 and by_etag["ETag"] == first["ETag"] and not by_etag.content
    assert by_date.status_code == 304
    assert changed_since.status_code == 200


def test_a_head_request_gets_the_headers_without_the_body(client, media_root):
    content = png_bytes()
    put(media_root, "exhibits/a.png", content)

    response = client.head("/media/exhibits/a.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == "inline"
    assert response.content == b""


def test_an_svg_is_shown_but_its_script_may_not_run(client, media_root):
    put(media_root, "exhibits/diagram.svg", SVG)

    response = client.get("/media/exhibits/diagram.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy == SVG_POLICY  # the site's own policy (which allows our scripts) did not replace it
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and "script-src" not in directives and "sandbox" in directives


def test_a_raster_image_keeps_the_sites_policy(client, media_root):
    put(media_root, "exhibits/a.png", png_bytes())
    assert "script-src 'self'" in client.get("/media/exhibits/a.png")["Content-Security-Policy"]


def test_upper_case_extensions_are_served(client, media_root):
    put(media_root, "exhibits/PHOTO.JPG", b"\xff\xd8\xff\xe0 not decoded by the server")
    response = client.get("/media/exhibits/PHOTO.JPG")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("name", ["page.html", "notes.txt", "app.js", "diagram.svgz", "README", "x.png.html", ".png"])
def test_files_that_are_not_images_are_never_served(client, media_root, name):
    put(media_root, f"exhibits/{name}", b"<script>alert(1)</script>")
    assert client.get(f"/media/exhibits/{name}").status_code == 404


def test_nothing_outside_the_media_folder_is_served(client, media_root):
    secret = media_root.parent / "secret.png"
    secret.write_bytes(png_bytes())
    os.symlink(secret, media_root / "link.png")
    os.symlink(media_root.parent, media_root / "up")

    for url in ["/media/../secret.png", "/media/%2e%2e/secret.png", "/media/exhibits/../../secret.png",
                "/media/..%2fsecret.png", f"/media/{secret}", f"/media//{secret}", "/media/link.png",
                "/media/up/secret.png", "/media/..\\secret.png"]:
        assert client.get(url).status_code == 404, url


def test_folders_are_never_listed(client, media_root):
    put(media_root, "exhibits/2026/01/a.png", png_bytes())
    (media_root / "folder.png").mkdir()
    for url in ["/media/", "/media/exhibits/", "/media/exhibits", "/media/exhibits/2026/01/", "/media/folder.png"]:
        assert client.get(url).status_code == 404, url


def test_a_missing_file_is_a_404(client, media_root):
    assert client.get("/media/exhibits/2026/01/gone.png").status_code == 404


def test_a_missing_media_folder_is_a_404(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-made"
    assert client.get("/media/exhibits/a.png").status_code == 404


@pytest.mark.parametrize("path", [
    "a%00.png", "%00/../secret.png", "exhibits/a.png%00.html", "a" * 5000 + ".png", "/".join(["a"] * 3000) + ".png",
    "ünïcødé/😀.png", "%ff%fe.png", "%c0%ae%c0%ae/secret.png", "a%0a.png", "con.png", "~root/.png",
])
def test_hostile_paths_are_404s_never_errors(client, media_root, path):
    # The test client raises a view's exception instead of answering 500, so a 404 here is a clean refusal.
    assert client.get(f"/media/{path}").status_code == 404


def test_a_unicode_file_name_is_served(client, media_root):
    put(media_root, "exhibits/schéma réseau.png", png_bytes())
    assert client.get("/media/exhibits/sch%C3%A9ma%20r%C3%A9seau.png").status_code == 200


def test_only_get_and_head_are_answered(client, media_root):
    put(media_root, "exhibits/a.png", png_bytes())
    assert client.post("/media/exhibits/a.png").status_code == 405
    assert client.delete("/media/exhibits/a.png").status_code == 405
    assert (media_root / "exhibits/a.png").exists()



def test_it_accepts_for_upload_only_images_it_serves(db):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exams.models import EXHIBIT_EXTENSIONS
    from pingtopass.media import CONTENT_TYPES

    assert {f".{extension}" for extension in EXHIBIT_EXTENSIONS} <= set(CONTENT_TYPES)
    question = QuestionFactory()
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")
    question.exhibit = SimpleUploadedFile("diagram.bmp", bmp.getvalue(), content_type="image/bmp")
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "exhibit" in refused.value.message_dict
    question.exhibit = SimpleUploadedFile("diagram.png", png_bytes(), content_type="image/png")
    question.full_clean()
