"""Signed, expiring data URLs (GET /api/v1/sign): a link to one file that works without a
session or token until it expires, and only while its signer may read the file."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from catalog_portal.catalog.assets import asset_path
from catalog_portal.catalog.models import CollectionShare
from tests.conftest import bearer

TAMSWEG = "dop-kaernten-tamsweg"
OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group


def first_href(demo, collection_id: str) -> str:
    item = next(c for c in demo if c.stac["id"] == collection_id).items[0]
    return next(iter(item["assets"].values()))["href"]


def sign(portal_server: str, href: str, headers=None, **params) -> requests.Response:
    return requests.get(
        f"{portal_server}/api/v1/sign",
        params={"href": href, **params},
        headers=headers or {},
        timeout=10,
    )


def test_a_granted_user_signs_a_restricted_file_that_then_opens_without_a_login(
    portal_server, demo, demo_user, make_token
):
    href = first_href(demo, OSTTIROL)
    answer = sign(portal_server, portal_server + href, bearer(make_token(demo_user)))
    assert answer.status_code == 200
    signed = answer.json()
    assert signed["href"].startswith(f"{portal_server}{href}?")
    assert signed["expires"].endswith("Z")
    response = requests.get(signed["href"], timeout=10)  # no cookie, no token
    assert response.status_code == 200
    assert response.content == asset_path(href).read_bytes()
    assert response.headers["Cache-Control"].startswith("private")
    ranged = requests.get(signed["href"], headers={"Range": "bytes=10-19"}, timeout=10)
    assert ranged.status_code == 206 and ranged.content == asset_path(href).read_bytes()[10:20]


def test_the_default_lifetime_is_configurable_and_a_caller_may_ask_for_another(
    demo_server, demo, settings
):
    settings.SIGNED_URL_SECONDS = 120
    href = first_href(demo, TAMSWEG)
    default = parse_qs(urlsplit(sign(demo_server, href).json()["href"]).query)
    assert abs(int(default["expires"][0]) - (time.time() + 120)) < 10
    longer = parse_qs(urlsplit(sign(demo_server, href, expires_in=3000).json()["href"]).query)
    assert abs(int(longer["expires"][0]) - (time.time() + 3000)) < 10


@pytest.mark.parametrize("expires_in", ["0", "-5", str(8 * 24 * 3600), "soon"])
def test_a_lifetime_out_of_bounds_is_a_bad_parameter(demo_server, demo, expires_in):
    response = sign(demo_server, first_href(demo, TAMSWEG), expires_in=expires_in)
    assert response.status_code == 400
    assert "expires_in" in response.json()["description"]


def test_an_expired_signed_url_is_refused_with_a_message_that_says_to_sign_again(demo_server, demo):
    signed = sign(demo_server, first_href(demo, TAMSWEG), expires_in=1).json()["href"]
    time.sleep(1.5)
    response = requests.get(signed, timeout=10)
    assert response.status_code == 403
    assert "expired" in response.json()["description"]


@pytest.mark.parametrize("tamper", ["expires", "signed_by", "signature", "path"])
def test_a_tampered_signed_url_opens_nothing(portal_server, demo, demo_user, make_token, tamper):
    restricted = first_href(demo, OSTTIROL)
    signed = sign(portal_server, restricted, bearer(make_token(demo_user))).json()["href"]
    path, query = signed.split("?")
    params = {key: values[0] for key, values in parse_qs(query).items()}
    if tamper == "path":
        path = (
            portal_server
            + next(
                iter(next(c for c in demo if c.stac["id"] == OSTTIROL).items[1]["assets"].values())
            )["href"]
        )
    elif tamper == "signature":
        params["signature"] = params["signature"][::-1]
    else:
        params[tamper] = str(int(params[tamper]) + 1)
    response = requests.get(path, params=params, timeout=10)
    assert response.status_code == 403


def test_renewing_is_signing_a_signed_url_again(demo_server, demo):
    first = sign(demo_server, first_href(demo, TAMSWEG), expires_in=60).json()["href"]
    renewed = sign(demo_server, first, expires_in=7200).json()["href"]
    assert renewed.count("signature=") == 1
    assert int(parse_qs(urlsplit(renewed).query)["expires"][0]) > time.time() + 7000
    assert requests.head(renewed, timeout=10).status_code == 200


def test_nobody_signs_what_they_may_not_read(portal_server, demo, charlie, make_token):
    restricted = first_href(demo, OSTTIROL)
    assert sign(portal_server, restricted).status_code == 404
    assert sign(portal_server, restricted, bearer(make_token(charlie))).status_code == 404
    assert sign(portal_server, "/data/../manage.py").status_code == 404
    assert sign(portal_server, "https://elsewhere.example/file.tif").status_code == 404


def test_a_signed_url_stops_working_when_its_signer_loses_access(
    portal_server, demo, charlie, make_token
):
    from catalog_portal.catalog.models import Collection

    share = CollectionShare.objects.create(
        collection=Collection.objects.get(stac_id=OSTTIROL), user=charlie
    )
    signed = sign(portal_server, first_href(demo, OSTTIROL), bearer(make_token(charlie)))
    url = signed.json()["href"]
    assert requests.head(url, timeout=10).status_code == 200
    share.delete()
    assert requests.head(url, timeout=10).status_code == 404


def test_signing_is_in_the_openapi_document(demo):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/sign" in paths
