"""A web app on another origin uses the portal in a real browser: a page served by another
HTTP server (another port, so another origin) fetches the STAC API, tiles and a restricted
file with a bearer token, as STAC Browser does."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from catalog_portal.demo.loader import DEMO_USER
from tests.conftest import session_cookie
from tests.local_server import JsonHandler, LocalServer

pytestmark = pytest.mark.browser

OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group

# Runs in the other origin's page: what came back, or the error a refused request raises.
FETCH = """async ([url, init]) => {
    try {
        const response = await fetch(url, init);
        const body = new Uint8Array(await response.arrayBuffer());
        return {
            status: response.status,
            text: new TextDecoder().decode(body),
            head: Array.from(body.slice(0, 4)),
            contentRange: response.headers.get("Content-Range"),
        };
    } catch (error) {
        return {error: String(error)};
    }
}"""


class OtherOrigin(LocalServer):
    """Another web app: one empty HTML page on a port of its own."""

    def _handler(self):
        class Handler(JsonHandler):
            def do_GET(self) -> None:
                body = b"<!doctype html><title>another web app</title>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def other_page(page):
    """A browser tab showing a page of another origin."""
    with OtherOrigin() as other:
        page.goto(other.url + "/")
        yield page


@pytest.fixture
def restricted(demo) -> dict:
    """The first item of the restricted demo collection."""
    return next(c for c in demo if c.stac["id"] == OSTTIROL).items[0]


def fetches_with_token(page, portal: str, item: dict, token: str) -> dict[str, dict]:
    """The search, a tile server answer and the first bytes of a file, as the page sees them."""
    authorization = {"Authorization": f"Bearer {token}"}
    search = {
        "method": "POST",
        "headers": {**authorization, "Content-Type": "application/json"},
        "body": f'{{"collections": ["{OSTTIROL}"], "ids": ["{item["id"]}"]}}',
    }
    tilejson = f"/tiles/collections/{OSTTIROL}/items/{item['id']}/WebMercatorQuad/tilejson.json"
    href = next(iter(item["assets"].values()))["href"]
    ranged = {"headers": {**authorization, "Range": "bytes=0-3"}}
    return {
        "search": page.evaluate(FETCH, [f"{portal}/api/v1/search", search]),
        "tiles": page.evaluate(FETCH, [portal + tilejson, {"headers": authorization}]),
        "data": page.evaluate(FETCH, [portal + href, ranged]),
    }


def test_a_page_of_another_origin_reads_restricted_data_with_a_bearer_token(
    portal_server, restricted, make_token, other_page
):
    token = make_token(User.objects.get(username=DEMO_USER))
    answers = fetches_with_token(other_page, portal_server, restricted, token)
    assert answers["search"]["status"] == 200, answers["search"]
    features = json.loads(answers["search"]["text"])["features"]
    assert [feature["id"] for feature in features] == [restricted["id"]]
    assert answers["tiles"]["status"] == 200, answers["tiles"]
    assert json.loads(answers["tiles"]["text"])["tiles"]
    assert answers["data"]["status"] == 206, answers["data"]
    assert answers["data"]["head"] == list(b"II*\x00")  # a little-endian TIFF
    assert answers["data"]["contentRange"].startswith("bytes 0-3/")


def test_without_cors_the_same_page_cannot_read_the_portal(
    portal_server, restricted, make_token, other_page, settings
):
    settings.CORS_ALLOWED_ORIGINS = []
    token = make_token(User.objects.get(username=DEMO_USER))
    answers = fetches_with_token(other_page, portal_server, restricted, token)
    for name, answer in answers.items():
        assert "Failed to fetch" in answer.get("error", ""), (name, answer)


def cookie_search(page, portal: str) -> dict:
    """A search of the restricted collection with the browser's cookies for the portal."""
    init = {
        "method": "POST",
        "credentials": "include",
        "headers": {"Content-Type": "application/json"},
        "body": f'{{"collections": ["{OSTTIROL}"]}}',
    }
    return page.evaluate(FETCH, [f"{portal}/api/v1/search", init])


def test_only_a_listed_origin_reads_with_the_portal_session_cookie(
    portal_server, restricted, other_page, settings
):
    # Ports do not separate cookies: the other page's requests to the portal carry its session.
    cookie = session_cookie(User.objects.get(username=DEMO_USER))["sessionid"]
    other_page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": portal_server}])
    origin = other_page.evaluate("location.origin")
    assert "Failed to fetch" in cookie_search(other_page, portal_server).get("error", "")
    settings.CORS_ALLOWED_ORIGINS = ["*", origin]
    answer = cookie_search(other_page, portal_server)
    assert answer["status"] == 200, answer
    assert json.loads(answer["text"])["features"], "the session sees the restricted items"
