"""One answer to "who is asking" for pages, the STAC API, tiles and data (request_user), and
Django's CSRF check, which the STAC API is exempt from and pages' forms are not."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from catalog_portal.accounts.authentication import (
    Credentials,
    InvalidToken,
    SignatureInvalid,
    SignedPath,
    request_user,
)
from catalog_portal.accounts.middleware import RequestUserMiddleware
from catalog_portal.catalog.access import Viewer, viewer_read
from catalog_portal.data.signed_urls import data_url_sign
from catalog_portal.tiles.session import Viewer as TilesViewer
from tests.conftest import bearer, session_cookie


def signed(path: str, query: str) -> Credentials:
    pairs = tuple(tuple(part.split("=", 1)) for part in query.split("&"))
    return Credentials(signed=SignedPath(path=path, query=pairs))


def test_a_session_cookie_stands_for_its_user_and_nothing_for_anonymous(bob):
    key = session_cookie(bob)["sessionid"]
    assert request_user(credentials=Credentials(session_key=key)) == bob
    assert isinstance(request_user(credentials=Credentials()), AnonymousUser)
    assert isinstance(request_user(credentials=Credentials(session_key="x" * 32)), AnonymousUser)


def test_a_changed_password_ends_the_sessions_it_signed(bob):
    key = session_cookie(bob)["sessionid"]
    bob.set_password("a new password")
    bob.save()
    assert isinstance(request_user(credentials=Credentials(session_key=key)), AnonymousUser)


def test_a_token_wins_over_the_session_and_an_unknown_token_is_refused(bob, charlie, make_token):
    key = session_cookie(charlie)["sessionid"]
    token = make_token(bob)
    assert request_user(credentials=Credentials(session_key=key, bearer=token)) == bob
    with pytest.raises(InvalidToken):
        request_user(credentials=Credentials(session_key=key, bearer="cpt_unknown"))


def test_a_signature_stands_for_its_signer_alone(bob, charlie, make_token):
    url = data_url_sign(path="a/b.tif", user=bob, seconds=60)
    both = Credentials(bearer=make_token(charlie), signed=signed("a/b.tif", url.query).signed)
    assert request_user(credentials=both) == bob
    with pytest.raises(SignatureInvalid):
        request_user(credentials=signed("a/other.tif", url.query))
    expired = data_url_sign(path="a/b.tif", user=bob, seconds=-1)
    with pytest.raises(SignatureInvalid):
        request_user(credentials=signed("a/b.tif", expired.query))


def test_django_requests_know_their_user_and_scope_from_a_token(bob, granted_group, make_token):
    request = RequestFactory().get("/", headers=bearer(make_token(bob)))
    request.session = Client().session
    assert RequestUserMiddleware(lambda r: None).process_request(request) is None
    assert request.user == bob
    # From a thread of its own: once a browser test has started Playwright, its sync API keeps
    # an event loop in the main thread, where async_to_sync refuses to run.
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(async_to_sync(request.auser)).result() == bob
    assert request.viewer == viewer_read(user=bob)
    assert request.viewer.user == bob


def test_the_tile_app_and_django_share_one_viewer_type(db, anonymous):
    assert TilesViewer is Viewer
    viewer = viewer_read(user=anonymous)
    assert viewer.scope == viewer.collection_ids


def test_a_post_with_a_session_still_needs_its_csrf_token(bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post("/accounts/profile/", {"name": "from elsewhere"}).status_code == 403
    # Another scheme than Bearer is no API token: the check stays.
    refused = client.post(
        "/accounts/profile/",
        {"name": "from elsewhere"},
        headers={"Authorization": "Basic Ym9iOmJvYg=="},
    )
    assert refused.status_code == 403


def test_the_stac_api_is_exempt_from_csrf_and_the_pages_forms_are_not(bob, charlie, make_token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    token = bearer(make_token(bob, "first"))
    search = client.post(
        "/api/v1/search", {"limit": 1}, content_type="application/json", headers=token
    )
    assert search.status_code == 200
    # A page's form is for a browser: a token does not stand in for its CSRF token.
    form = client.post("/accounts/profile/", {"name": "script"}, headers=token)
    assert form.status_code == 403
    assert not bob.api_tokens.filter(name="script").exists()
