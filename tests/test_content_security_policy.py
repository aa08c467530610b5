"""Every page sends a Content-Security-Policy that allows only the portal's own scripts, and
the pages keep to it: in Chromium, no page kind triggers a single violation, and a script
injected into a page is blocked."""

import re

import pytest

from catalog_portal.lib.csp import csp_directives
from tests.conftest import session_cookie

# Records every violation a page reports, from the first script on (before the page's own).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""
QUERY = "collection=GFM&start=2024-09-12&end=2024-09-20&bbox=16.43,50.75,17.88,51.31"


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if " " in part.strip())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/catalog/",
        "/explore/",
        "/gallery/",
        "/docs/",
        "/accounts/login/",
        "/nope/",
        "/admin/login/",
    ],
)
def test_every_page_sends_a_policy_of_the_portals_own_scripts(client, db, path):
    directives = policy(client.get(path))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "blob:" in directives["worker-src"]  # MapLibre's worker
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert "https://tile.openstreetmap.org" in directives["connect-src"]


def test_the_basemap_host_is_allowed_for_images_and_connections_only():
    directives = csp_directives(basemap_tiles="https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png")
    assert "https://*.tiles.example.org:8443" in directives["img-src"]
    assert "https://*.tiles.example.org:8443" in directives["connect-src"]
    assert directives["script-src"] == ["'self'"]


def test_image_hosts_of_thumbnails_and_descriptions_may_be_allowed_for_images_only():
    directives = csp_directives(basemap_tiles="", image_hosts=["https://thumbs.example.org"])
    assert "https://thumbs.example.org" in directives["img-src"]
    assert "https://thumbs.example.org" not in directives["connect-src"]


@pytest.mark.parametrize("host", ["'unsafe-inline'", "https://a.org; script-src *", "*", "a b"])
def test_an_image_host_that_is_not_a_host_is_refused(host):
    with pytest.raises(ValueError, match="CSP_IMAGE_HOSTS"):
        csp_directives(basemap_tiles="", image_hosts=[host])


def test_without_a_basemap_only_the_portal_itself_is_allowed():
    directives = csp_directives(basemap_tiles="")
    assert directives["connect-src"] == ["'self'"]


def test_the_page_of_a_form_from_elsewhere_may_not_be_framed(client, db):
    response = client.get("/accounts/login/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.fixture
def watched(page):
    """A tab that records CSP violations and the console's CSP complaints."""
    complaints: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.complaints = complaints
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + page.complaints


def map_ready(page) -> None:
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)


@pytest.mark.browser
def test_no_page_of_the_portal_violates_its_policy_in_chromium(
    watched, transactional_db, demo, demo_user, portal_server
):
    page = watched
    seen: dict[str, list[str]] = {}

    def visit(path: str, then=None) -> None:
        page.complaints.clear()
        page.goto(f"{portal_server}{path}")
        if then:
            then()
        page.wait_for_timeout(300)  # late violations (workers, images) arrive as events
        seen[path] = violations(page)

    visit("/")
    visit("/catalog/")
    visit("/collections/GFM/", lambda: page.locator("#extent-map canvas").wait_for())
    visit(f"/explore/?{QUERY}", lambda: map_ready(page))
    visit(
        f"/explore/?{QUERY}&preview=1",
        lambda: page.wait_for_selector("#map[data-preview]", state="attached", timeout=30_000),
    )
    sentinel2 = next(c for c in demo if c.stac["id"] == "sentinel-2-l2a").items[0]
    item_path = f"/collections/sentinel-2-l2a/items/{sentinel2['id']}/"
    with page.expect_response(lambda r: "/tiles/WebMercatorQuad/" in r.url and r.ok):
        visit(item_path, lambda: map_ready(page))
    assert page.evaluate("!!portalMap.getLayer('item-tiles')")
    visit(
        "/gallery/",
        lambda: page.wait_for_function(
            "() => [...document.querySelectorAll('img.gallery-preview')]"
            ".every((img) => img.complete && img.naturalWidth > 0)",
            timeout=60_000,
        ),
    )
    visit("/docs/")
    visit("/docs/tiles/")
    visit("/accounts/login/")
    visit("/no-such-page/")
    visit("/explore/?bbox=1,2,3")
    visit("/api/v1/docs", lambda: page.locator(".swagger-ui .info").wait_for())

    def open_snippet() -> None:
        page.get_by_role("button", name="Code snippet").click()
        page.get_by_role("dialog", name="Code snippet").locator(".highlight").wait_for()

    visit("/collections/GFM/", open_snippet)
    visit(f"/snippets/search/?{QUERY}")

    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session_cookie(demo_user)["sessionid"],
                "url": portal_server,
            }
        ]
    )
    visit("/accounts/profile/")
    visit("/collections/dop-kaernten-osttirol/")

    assert {path: found for path, found in seen.items() if found} == {}


@pytest.mark.browser
def test_a_script_injected_into_a_page_is_blocked(watched, transactional_db, portal_server):
    page = watched
    page.goto(f"{portal_server}/catalog/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
          const img = document.createElement("img");
          img.src = "x";
          img.setAttribute("onerror", "window.injected = true");
          document.body.append(img);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected === undefined")
    found = violations(page)
    assert any(re.match(r"script-src", v) for v in found), found
