"""The account pages in a real Chromium: a token made, copied and revoked on the profile page,
and a collection shared by its owner from the collection page. Screenshots in tests/artifacts/."""

import re

import pytest

from catalog_portal.accounts.models import ApiToken
from catalog_portal.catalog.models import CollectionShare
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def log_in(page, portal_server: str, username: str, password: str) -> None:
    page.goto(f"{portal_server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/catalog/"))


def test_a_token_is_made_copied_and_revoked_on_the_profile_page(page, portal_server, bob):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, portal_server, "bob", "bob-password")
    page.get_by_role("link", name="bob (your account)").click()
    page.get_by_role("heading", name="API tokens").wait_for()
    page.get_by_label("Token name").fill("nightly job")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("cpt_")
    # The Copy button's script is a module, run once the page has loaded: a click before
    # that copies nothing (seen on a busy machine).
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Copy", exact=True).click()
    # The clipboard is the browser's, shared by tabs: read it once the copy is done.
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.screenshot(path=ARTIFACTS / "account-token-created.png", full_page=True)

    page.reload()
    assert page.locator("#new-token").count() == 0  # shown once
    assert page.get_by_role("cell", name="nightly job", exact=True).is_visible()
    page.get_by_role("button", name="Revoke the token nightly job").click()
    page.get_by_text("You have no API tokens yet.").wait_for()
    assert not ApiToken.objects.filter(user=bob).exists()


def test_the_owner_shares_a_collection_from_its_page(
    page, portal_server, make_collection, bob, charlie
):
    secret = make_collection("secret-collection", visibility="restricted")
    secret.owner = bob
    secret.save()
    log_in(page, portal_server, "bob", "bob-password")
    page.goto(f"{portal_server}/collections/secret-collection/")
    page.get_by_role("heading", name="Who has access").wait_for()
    page.get_by_label("Username or group name").fill("charlie")
    page.get_by_label("Until (optional)").fill("2099-06-30")
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_text("Shared with charlie.").wait_for()
    assert page.get_by_role("cell", name="charlie", exact=True).is_visible()
    page.screenshot(path=ARTIFACTS / "collection-sharing.png", full_page=True)
    assert CollectionShare.objects.filter(collection=secret, user=charlie).exists()

    page.get_by_role("button", name="End share with charlie").click()
    page.get_by_text("The share has ended.").wait_for()
    assert not CollectionShare.objects.exists()


def test_the_profile_page_fits_a_phone_screen(page, portal_server, bob):
    log_in(page, portal_server, "bob", "bob-password")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{portal_server}/accounts/profile/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=ARTIFACTS / "account-phone.png", full_page=True)
