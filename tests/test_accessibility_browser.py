"""axe-core audits every page state a visitor meets, in a real Chromium over the real server with
the demo catalogue, on a desktop (1440×900) and a phone (390×844): no violation of any impact.

axe-core is vendored for the tests only (static/vendor/axe-core/, see its README) and injected
into each page here; no page of the portal loads it. To audit another state, add it to STATES.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import session_cookie

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
MAP_READY = "[data-ready]"  # a map's container, once its style and the portal's layers are in


@dataclass(frozen=True)
class PageState:
    """A page as a visitor sees it: ``path`` (``{item}`` stands for the first demo item of
    ``item_of``), in ``language``, signed in as the demo user or not, after ``action``."""

    name: str
    path: str
    item_of: str = ""
    language: str = "en"
    signed_in: bool = False
    ready: str = ""  # a selector to wait for before the audit (maps: MAP_READY)
    action: Callable | None = None  # what the visitor does before the audit (given the page)


def open_properties(page) -> None:
    page.locator("details.properties summary").click()


def open_snippet_dialog(page) -> None:
    page.locator("[data-snippet-open]").first.click()
    page.wait_for_selector("dialog[open] [data-snippet-code] pre", timeout=30_000)


def open_assets_tab(page) -> None:
    page.locator("[role=tab]").nth(1).click()


def open_first_code(page) -> None:
    page.locator("details.gallery-code summary").first.click()


def sign_in_wrongly(page) -> None:
    page.locator("#id_username").fill("demo")
    page.locator("#id_password").fill("not-the-password")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector("[role=alert]")


def open_menu(page) -> None:
    """The phone's header menu, opened (on a desktop the links show without it)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()


STATES = [
    PageState("home", "/"),
    PageState("home-menu-open", "/", action=open_menu),
    PageState("catalogue", "/catalog/"),
    PageState("catalogue-orthofotos", "/catalog/?tab=orthofotos"),
    PageState("catalogue-search", "/catalog/?q=flood"),
    *(
        PageState(f"collection-{collection}", f"/collections/{collection}/", ready=MAP_READY)
        for collection in (
            "sentinel-2-l2a",
            "sentinel-1-sig0",
            "GFM",
            "dop-kaernten-tamsweg",
            "dop-kaernten-klagenfurt",
        )
    ),
    PageState("explore", "/explore/", ready=MAP_READY),
    PageState("explore-collection", "/explore/?collection=sentinel-2-l2a", ready=MAP_READY),
    PageState(
        "explore-properties-open",
        "/explore/?collection=dop-kaernten-tamsweg",
        ready=MAP_READY,
        action=open_properties,
    ),
    PageState(
        "explore-property-filter",
        "/explore/?collection=dop-kaernten-tamsweg&p.wolken=false",
        ready=MAP_READY,
    ),
    PageState("explore-bbox", "/explore/?bbox=13.5,46.5,14.5,47.3", ready=MAP_READY),
    PageState(
        "explore-previews",
        "/explore/?collection=dop-kaernten-tamsweg&preview=1",
        ready="[data-preview]",
    ),
    PageState(
        "explore-no-results",
        "/explore/?collection=sentinel-2-l2a&start=2024-01-01&end=2024-12-31",
        ready=MAP_READY,
    ),
    PageState(
        "explore-snippet-dialog",
        "/explore/?collection=GFM",
        ready=MAP_READY,
        action=open_snippet_dialog,
    ),
    *(
        PageState(
            f"item-{collection}",
            "/collections/{collection}/items/{item}/".replace("{collection}", collection),
            item_of=collection,
            ready=MAP_READY,
        )
        for collection in ("sentinel-2-l2a", "GFM", "dop-kaernten-tamsweg", "sentinel-1-sig0")
    ),
    PageState(
        "item-assets-tab",
        "/collections/sentinel-2-l2a/items/{item}/",
        item_of="sentinel-2-l2a",
        ready=MAP_READY,
        action=open_assets_tab,
    ),
    PageState(
        "collection-snippet-dialog",
        "/collections/GFM/",
        ready=MAP_READY,
        action=open_snippet_dialog,
    ),
    PageState("gallery", "/gallery/"),
    PageState("gallery-code-open", "/gallery/", action=open_first_code),
    *(
        PageState(f"docs-{slug or 'index'}", f"/docs/{slug + '/' if slug else ''}")
        for slug in ("", "python", "stac-api", "tiles", "tokens")
    ),
    PageState("login", "/accounts/login/"),
    PageState("login-wrong-password", "/accounts/login/", action=sign_in_wrongly),
    PageState("error-404", "/no-such-page/"),
    PageState("error-400", "/explore/?bbox=1,2,3"),
    PageState("profile-with-tokens", "/accounts/profile/", signed_in=True),
    PageState(
        "collection-owner-sharing",
        "/collections/dop-kaernten-osttirol/",
        signed_in=True,
        ready=MAP_READY,
    ),
    PageState("catalogue-signed-in", "/catalog/", signed_in=True, action=open_menu),
    PageState("de-home", "/", language="de"),
    PageState("de-catalogue", "/catalog/", language="de"),
    PageState("de-explore", "/explore/?collection=GFM", language="de", ready=MAP_READY),
    PageState("de-collection", "/collections/GFM/", language="de", ready=MAP_READY),
    PageState(
        "de-item",
        "/collections/GFM/items/{item}/",
        item_of="GFM",
        language="de",
        ready=MAP_READY,
    ),
    PageState("de-docs-python", "/docs/python/", language="de"),
    PageState("de-error-404", "/no-such-page/", language="de"),
    PageState("de-profile", "/accounts/profile/", language="de", signed_in=True),
]


def by_state(signed_in: bool) -> list:
    return [
        pytest.param(state, viewport, id=f"{state.name}-{viewport}")
        for state in STATES
        if state.signed_in == signed_in
        for viewport in VIEWPORTS
    ]


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    page.add_script_tag(path=AXE)
    return page.evaluate(
        """async () => {
          const results = await axe.run(document, { resultTypes: ["violations"] });
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map((node) => node.target.join(" ")),
          }));
        }"""
    )


def described(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"][:8])
        for v in violations
    )


def audit(browser, base: str, state: PageState, viewport: str, demo, cookies: dict) -> None:
    # The page's own scripts run under its strict Content-Security-Policy as always; only the
    # injected axe script is let past it (bypass_csp), since the policy rightly refuses it.
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda r: r.abort())
    jar = {"django_language": state.language, **cookies}
    context.add_cookies([{"name": k, "value": v, "url": base} for k, v in jar.items()])
    try:
        page = context.new_page()
        path = state.path
        if state.item_of:
            collection = next(c for c in demo if c.stac["id"] == state.item_of)
            path = path.replace("{item}", collection.items[0]["id"])
        page.goto(base + path)
        if state.ready:
            page.wait_for_selector(state.ready, state="attached", timeout=30_000)
        if state.action:
            state.action(page)
        violations = axe_violations(page)
        assert not violations, f"axe on {path} ({viewport}):\n{described(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize(("state", "viewport"), by_state(signed_in=False))
def test_page_state_has_no_axe_violations(chromium_browser, demo, demo_server, state, viewport):
    audit(chromium_browser, demo_server, state, viewport, demo, cookies={})


@pytest.fixture
def owner_with_share_and_token(transactional_db, demo, demo_user, make_token):
    """The demo user, owner of the restricted orthophotos, shares them with a colleague and
    holds an API token: the profile lists the token, the collection page the share."""
    from django.contrib.auth.models import User

    from catalog_portal.catalog.models import Collection
    from catalog_portal.catalog.sharing import collection_share

    User.objects.create_user("colleague", password="colleague-password")
    collection_share(
        collection=Collection.objects.get(stac_id="dop-kaernten-osttirol"),
        by=demo_user,
        username="colleague",
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )
    make_token(demo_user, name="notebook")
    return demo_user


@pytest.mark.parametrize(("state", "viewport"), by_state(signed_in=True))
def test_signed_in_page_state_has_no_axe_violations(
    chromium_browser, demo, portal_server, owner_with_share_and_token, state, viewport
):
    cookies = session_cookie(owner_with_share_and_token)
    audit(chromium_browser, portal_server, state, viewport, demo, cookies=cookies)
