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


def suggestions(page) -> list[str]:
    """What the name field's list offers (its <datalist>'s options)."""
    return page.eval_on_selector_all("#share-names option", "options => options.map(o => o.value)")


def test_the_share_form_suggests_names_while_the_owner_types(
    page, portal_server, make_collection, bob, charlie
):
    secret = make_collection("secret-collection", visibility="restricted")
    secret.owner = bob
    secret.save()
    log_in(page, portal_server, "bob", "bob-password")
    page.goto(f"{portal_server}/collections/secret-collection/")
    page.wait_for_load_state("load")  # the lookup's module is running
    name = page.get_by_label("Username or group name")
    name.press_sequentially("ch")
    page.locator('#share-names option[value="charlie"]').wait_for(state="attached")
    assert suggestions(page) == ["charlie"]
    assert name.get_attribute("list") == "share-names"
    # Groups are other names: choosing "a group" asks again for what is typed.
    name.fill("")
    name.press_sequentially("Else")
    page.get_by_label("a group").check()
    page.locator('#share-names option[value="Elsewhere"]').wait_for(state="attached")
    assert suggestions(page) == ["Elsewhere"]


def test_a_refused_share_keeps_what_was_typed_with_the_focus_on_it(
    page, portal_server, make_collection, bob
):
    secret = make_collection("secret-collection", visibility="restricted")
    secret.owner = bob
    secret.save()
    log_in(page, portal_server, "bob", "bob-password")
    page.goto(f"{portal_server}/collections/secret-collection/")
    page.get_by_label("a group").check()
    page.get_by_label("Username or group name").fill("Nobdy")
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_text("There is no group Nobdy.").wait_for()
    name = page.get_by_label("Username or group name")
    assert name.input_value() == "Nobdy" and page.get_by_label("a group").is_checked()
    assert name.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == name.get_attribute("id")
    described = page.locator(f"#{name.get_attribute('aria-describedby')}")
    assert described.inner_text() == "There is no group Nobdy."
    page.screenshot(path=ARTIFACTS / "collection-sharing-refused.png", full_page=True)
