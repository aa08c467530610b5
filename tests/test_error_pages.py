"""Errors on the site are the site's own pages (layout, a sentence, a link home), never an
exception's text; below /api/ they are the STAC API's one JSON shape."""

import pytest
from django.test import Client

SECRET = "relation catalog_item does not exist at 10.0.0.5"


def site_page(html: str) -> bool:
    """The site's layout: its header and a way home."""
    return 'class="site-header"' in html and 'href="/"' in html


@pytest.fixture
def crashing_home(monkeypatch):
    """The home page fails inside, with a message nobody outside should read."""

    def fail(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("catalog_portal.web.views.catalog_overview", fail)


def test_an_unknown_page_is_the_site_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert site_page(html) and "not found" in html.lower()


def test_an_unknown_collection_is_the_site_404_page_without_the_exception_text(client, db):
    response = client.get("/collections/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert site_page(html) and "No such collection" not in html


def test_a_failing_page_is_the_site_500_page_without_the_exception_text(db, crashing_home):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert site_page(html)
    assert SECRET not in html and "RuntimeError" not in html and "Traceback" not in html


def test_a_request_for_another_host_is_the_site_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert site_page(html) and "evil.example" not in html


def test_a_forbidden_form_post_is_the_site_403_page(db):
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "de"})
    assert response.status_code == 403
    assert site_page(response.content.decode())


def test_a_bad_explore_parameter_is_the_400_page_with_the_message(client, db):
    response = client.get("/explore/?bbox=1,2,3")
    assert response.status_code == 400
    html = response.content.decode()
    assert site_page(html) and "bbox: is west,south,east,north in degrees" in html


def test_an_unknown_api_path_is_the_api_json_error(client, db):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"code", "description"}
    assert response.json()["code"] == "NotFound"


def test_a_failing_api_request_is_the_api_json_error_without_the_exception_text(db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError(SECRET)

    # The caller's scope, which /collections reads inside the view, fails.
    monkeypatch.setattr("catalog_portal.accounts.middleware.viewer_read", fail)
    response = Client(raise_request_exception=False).get("/api/v1/collections")
    assert response.status_code == 500
    assert response.json() == {"code": "ServerError", "description": response.json()["description"]}
    assert SECRET not in response.content.decode()


def test_the_error_pages_speak_german_too(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Seite nicht gefunden" in response.content.decode()
