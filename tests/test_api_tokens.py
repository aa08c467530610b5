"""Personal API tokens: made and revoked on the profile page, stored hashed, and accepted as
``Authorization: Bearer`` by the STAC API, the tiles and the data API."""

from __future__ import annotations

import hashlib

import morecantile
import numpy as np
import pytest
import rasterio
import requests
from django.test import Client
from pystac_client import Client as StacClient
from pystac_client.exceptions import APIError

from catalog_portal.accounts.models import ApiToken
from catalog_portal.accounts.tokens import api_token_user
from catalog_portal.catalog.assets import asset_path
from catalog_portal.tiles.catalog_cache import catalog_cache_clear as lookups_clear
from tests.conftest import bearer

OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


@pytest.fixture(autouse=True)
def fresh_lookups():
    lookups_clear()
    yield
    lookups_clear()


def restricted_item(demo) -> dict:
    return next(c for c in demo if c.stac["id"] == OSTTIROL).items[0]


def test_a_token_is_created_on_the_profile_page_and_its_secret_shown_once(bob):
    client = Client()
    client.force_login(bob)
    response = client.post("/accounts/profile/", {"name": "laptop notebook"}, follow=True)
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("cpt_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=bob)
    assert token.name == "laptop notebook"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.digest, token.prefix} and secret.startswith(token.prefix)
    again = client.get("/accounts/profile/").content.decode()
    assert secret not in again
    assert "laptop notebook" in again and token.prefix in again


def test_a_token_name_is_required_and_unique_per_user(bob):
    client = Client()
    client.force_login(bob)
    assert client.post("/accounts/profile/", {"name": " "}).status_code == 400
    client.post("/accounts/profile/", {"name": "job"})
    twice = client.post("/accounts/profile/", {"name": "job"})
    assert twice.status_code == 400
    assert "already have a token" in twice.content.decode()
    assert ApiToken.objects.filter(user=bob).count() == 1


def test_the_profile_page_needs_a_login():
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_revokes_only_their_own_tokens(bob, charlie, make_token):
    make_token(bob, "bob's")
    charlies = ApiToken.objects.get(pk=ApiToken.objects.create(
        user=charlie, name="charlie's", prefix="cpt_x", digest="0" * 64
    ).pk)  # fmt: skip
    client = Client()
    client.force_login(bob)
    client.post(f"/accounts/tokens/{charlies.pk}/revoke/")
    assert ApiToken.objects.filter(pk=charlies.pk).exists()
    client.post(f"/accounts/tokens/{ApiToken.objects.get(user=bob).pk}/revoke/")
    assert not ApiToken.objects.filter(user=bob).exists()


def test_a_token_of_an_inactive_user_names_nobody(bob, make_token):
    secret = make_token(bob)
    assert api_token_user(secret=secret) == bob
    bob.is_active = False
    bob.save()
    assert api_token_user(secret=secret) is None


def test_the_stac_api_shows_restricted_collections_to_a_token_of_a_granted_user(
    demo, demo_user, make_token, charlie
):
    client = Client()
    anonymous = client.get(f"/api/v1/collections/{OSTTIROL}")
    assert anonymous.status_code == 404
    granted = client.get(f"/api/v1/collections/{OSTTIROL}", headers=bearer(make_token(demo_user)))
    assert granted.status_code == 200
    assert granted.json()["id"] == OSTTIROL
    outsider = client.get(f"/api/v1/collections/{OSTTIROL}", headers=bearer(make_token(charlie)))
    assert outsider.status_code == 404


def test_a_token_needs_no_csrf_token_for_a_post_search(demo, demo_user, make_token):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/search",
        {"collections": [OSTTIROL], "limit": 2},
        content_type="application/json",
        headers=bearer(make_token(demo_user)),
    )
    assert response.status_code == 200
    assert len(response.json()["features"]) == 2


@pytest.mark.parametrize("secret", ["cpt_not-a-real-token", "something-else", ""])
def test_an_unknown_token_is_refused_with_401_not_served_as_anonymous(demo, secret):
    response = Client().get("/api/v1/collections", headers=bearer(secret))
    assert response.status_code == 401
    assert response.json() == {
        "code": "Unauthorized",
        "description": "the API token is unknown or revoked",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_pystac_client_with_a_token_in_its_headers_finds_restricted_items(
    portal_server, demo, demo_user, make_token
):
    catalog = StacClient.open(f"{portal_server}/api/v1", headers=bearer(make_token(demo_user)))
    items = list(catalog.search(collections=[OSTTIROL]).items())
    assert {item.id for item in items} == {stac["id"] for stac in _items(demo, OSTTIROL)}
    # Without the token the collection does not exist for the caller.
    anonymous = StacClient.open(f"{portal_server}/api/v1")
    with pytest.raises(APIError, match="no collection"):
        list(anonymous.search(collections=[OSTTIROL]).items())


def _items(demo, collection_id: str) -> list[dict]:
    return next(c for c in demo if c.stac["id"] == collection_id).items


def test_gdal_reads_a_restricted_cog_through_the_data_api_with_a_token(
    portal_server, demo, demo_user, make_token
):
    href = next(iter(restricted_item(demo)["assets"].values()))["href"]
    with rasterio.open(asset_path(href)) as local:
        expected = local.read(window=((0, 64), (0, 64)))
    url = f"/vsicurl/{portal_server}{href}"
    header = f"Authorization: Bearer {make_token(demo_user)}"
    with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR", GDAL_HTTP_HEADERS=header):
        with rasterio.open(url) as remote:
            assert np.array_equal(remote.read(window=((0, 64), (0, 64))), expected)
    with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR"):
        with pytest.raises(rasterio.errors.RasterioIOError):
            # Another URL of the same file: GDAL would answer the first from its cache.
            rasterio.open(f"{url}?without-token")


def _tile_url(portal_server: str, stac: dict) -> str:
    west, south, east, north = stac["bbox"]
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, 16)
    return (
        f"{portal_server}/tiles/collections/{OSTTIROL}/items/{stac['id']}"
        f"/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}.png"
    )


def test_tiles_of_restricted_items_open_with_a_token(portal_server, demo, demo_user, make_token):
    url = _tile_url(portal_server, restricted_item(demo))
    assert requests.get(url, timeout=30).status_code == 404
    response = requests.get(url, headers=bearer(make_token(demo_user)), timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/")
    assert response.headers["Cache-Control"].startswith("private")


def test_a_revoked_token_loses_access_at_once_everywhere(
    portal_server, demo, demo_user, make_token
):
    """Even right after a tile was served with it: the tile server's lookup cache is keyed by
    what the caller may see, and who the caller is is resolved for every request."""
    secret = make_token(demo_user)
    stac = restricted_item(demo)
    tile = _tile_url(portal_server, stac)
    data = f"{portal_server}{next(iter(stac['assets'].values()))['href']}"
    api = f"{portal_server}/api/v1/collections/{OSTTIROL}/items/{stac['id']}"
    for url in (tile, data, api):
        assert requests.get(url, headers=bearer(secret), timeout=30).status_code == 200
    ApiToken.objects.filter(user=demo_user).delete()
    for url in (tile, data, api):
        refused = requests.get(url, headers=bearer(secret), timeout=30)
        assert refused.status_code == 401, url
        assert refused.headers["WWW-Authenticate"].startswith("Bearer"), url


def test_last_use_is_recorded_at_most_once_a_minute(bob, make_token):
    secret = make_token(bob)
    assert ApiToken.objects.get(user=bob).last_used is None
    api_token_user(secret=secret)
    first = ApiToken.objects.get(user=bob).last_used
    assert first is not None
    api_token_user(secret=secret)
    assert ApiToken.objects.get(user=bob).last_used == first
