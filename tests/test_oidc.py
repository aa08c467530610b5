"""Single sign-on through OpenID Connect: off by default; when configured, the login page
offers it and the authorization-code flow with a real (local) provider signs the user in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.oidc_provider import OidcProvider

CLAIMS = {
    "sub": "4f1c-user",
    "email": "dora@example.org",
    "preferred_username": "dora",
    "groups": ["Land Kärnten", "a group the portal does not have"],
}


def test_single_sign_on_is_off_by_default(db):
    assert "Log in with" not in Client().get("/accounts/login/").content.decode()
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.fixture
def provider(settings, db):
    with OidcProvider(
        client_id="portal", client_secret="client-secret-of-at-least-32-bytes!", claims=CLAIMS
    ) as running:
        settings.OIDC_ENABLED = True
        settings.OIDC_PROVIDER_NAME = "Test ID"
        settings.OIDC_RP_CLIENT_ID = "portal"
        settings.OIDC_RP_CLIENT_SECRET = "client-secret-of-at-least-32-bytes!"
        settings.OIDC_RP_SIGN_ALGO = "HS256"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{running.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{running.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{running.url}/userinfo"
        settings.OIDC_GROUPS_CLAIM = "groups"
        yield running


def sign_in_through(provider: OidcProvider, client: Client) -> requests.Response:
    """The browser's part: to the portal, to the provider, back to the portal."""
    start = client.get("/oidc/authenticate/?next=/catalog/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    callback = urlparse(back.headers["Location"])
    assert callback.path == "/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_the_configured_provider(provider):
    page = Client().get("/accounts/login/?next=/explore/").content.decode()
    assert "Log in with Test ID" in page
    assert 'href="/oidc/authenticate/?next=/explore/"' in page


def test_a_first_sign_in_creates_the_user_with_the_providers_groups(provider, granted_group):
    client = Client()
    response = sign_in_through(provider, client)
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    dora = User.objects.get(username="dora")
    assert dora.email == "dora@example.org" and not dora.has_usable_password()
    assert list(dora.groups.values_list("name", flat=True)) == ["Land Kärnten"]
    assert not Group.objects.filter(name="a group the portal does not have").exists()
    assert client.get("/accounts/profile/").status_code == 200


def test_a_later_sign_in_finds_the_same_user_and_updates_the_groups(provider, granted_group):
    sign_in_through(provider, Client())
    provider.claims = {**CLAIMS, "groups": []}
    sign_in_through(provider, Client())
    assert User.objects.filter(email="dora@example.org").count() == 1
    assert not User.objects.get(username="dora").groups.exists()


def test_a_failed_exchange_returns_to_the_login_page_with_a_message(provider):
    client = Client()
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(f"/oidc/callback/?code=unknown&state={state}&error=access_denied")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "did not work" in page
