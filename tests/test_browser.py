"""Journeys in a real Chromium (Debian's, driven by Playwright) against a real server."""

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    public = make_collection("public-collection", category="sentinel-2", featured=True)
    make_item(public, "item-1")
    restricted = make_collection(
        "restricted-collection",
        category="orthofotos",
        visibility="restricted",
        groups=(granted_group,),
    )
    restricted.title = "Orthofotos Flugblock Osttirol"
    restricted.save()
    return public, restricted


def test_restricted_collection_appears_only_after_logging_in(page, portal_server, catalogue, bob):
    page.goto(f"{portal_server}/catalog/")
    assert page.get_by_role("heading", name="Data Catalogue").is_visible()
    assert page.get_by_role("heading", name="Sentinel-2 L2A test tiles").is_visible()
    assert page.get_by_text("Orthofotos Flugblock Osttirol").count() == 0
    page.screenshot(path=ARTIFACTS / "catalog-anonymous.png", full_page=True)

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("bob-password")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{portal_server}/catalog/")
    assert page.get_by_role("heading", name="Orthofotos Flugblock Osttirol").is_visible()
    page.screenshot(path=ARTIFACTS / "catalog-logged-in.png", full_page=True)

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{portal_server}/catalog/")
    assert page.get_by_text("Orthofotos Flugblock Osttirol").count() == 0


def test_a_wrong_password_is_announced(page, portal_server, bob):
    page.goto(f"{portal_server}/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()


def test_catalogue_fits_a_phone_screen(page, portal_server, catalogue):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{portal_server}/catalog/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=ARTIFACTS / "catalog-phone.png", full_page=True)
