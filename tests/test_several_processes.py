"""Several portal processes with no shared disk: two ``manage.py serve`` processes on two
ports, sharing the database (the test's PostgreSQL database, or on SQLite its one file), the
object store (a real S3 server, in ASSET_SOURCES) and SECRET_KEY from the environment, each
with a VAR_DIR and a DATA_ROOT of its own, empty. What one makes (a session, an API token, a
signed URL, a registered search, a tile and its ETag) works on the other, as behind a load
balancer that sends each request wherever it likes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import morecantile
import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from catalog_portal.demo.loader import DEMO_PASSWORD, DEMO_USER
from tests.conftest import bearer
from tests.portal_process import PortalProcess, portal_process

OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group
KLAGENFURT = "dop-kaernten-klagenfurt"  # public
SHARED_SECRET_KEY = "several-processes-share-one-key-from-the-environment-0123456789"
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


def demo_password_for_portal_processes() -> None:
    """Hash the demo user's password as a portal process does: the test session hashes with
    MD5 (tests/conftest.py), which a ``serve`` process, with the production hashers only,
    cannot check, so every login there would fail."""
    user = User.objects.get(username=DEMO_USER)
    # Django's default hasher, which the portal keeps (settings.py sets no PASSWORD_HASHERS).
    user.password = make_password(DEMO_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])


@pytest.fixture
def two_portals(
    transactional_db, demo, s3_demo, tmp_path
) -> Iterator[tuple[PortalProcess, PortalProcess]]:
    """Two portal processes on the test database and the S3 server, each with its own VAR_DIR
    and its own empty DATA_ROOT; the restricted collection's files are in the S3 server only."""
    demo_password_for_portal_processes()
    s3_demo.store(OSTTIROL)
    shared = {"SECRET_KEY": SHARED_SECRET_KEY, "DEBUG": "true", **s3_demo.environment}

    def own(name: str) -> dict[str, str]:
        data_root = tmp_path / f"data-{name}"
        data_root.mkdir()
        return {"VAR_DIR": str(tmp_path / f"var-{name}"), "DATA_ROOT": str(data_root)}

    with (
        portal_process(env={**shared, **own("a")}) as one,
        portal_process(env={**shared, **own("b")}) as other,
    ):
        yield one, other


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(browser: requests.Session, *, form_from: PortalProcess, post_to: PortalProcess):
    """Log in as the demo user with the login form of one process, posted to the other."""
    page = browser.get(f"{form_from.url}/accounts/login/", timeout=10)
    answer = browser.post(
        f"{post_to.url}/accounts/login/",
        data={
            "username": DEMO_USER,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": f"{post_to.url}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]


def first_item(collections, collection_id: str) -> dict:
    return next(c for c in collections if c.stac["id"] == collection_id).items[0]


def centre_tile_path(stac: dict, zoom: int) -> str:
    west, south, east, north = stac["bbox"]
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, zoom)
    return f"WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}"


def test_what_one_process_makes_works_on_the_other(two_portals, demo, s3_demo, tmp_path):
    one, other = two_portals
    browser = requests.Session()  # cookies are per host, not per port: as behind one proxy

    # A session: logged in through one, it is a login on the other.
    log_in(browser, form_from=other, post_to=one)
    collection_path = f"/api/v1/collections/{OSTTIROL}"
    assert requests.get(other.url + collection_path, timeout=10).status_code == 404
    assert browser.get(other.url + collection_path, timeout=10).status_code == 200

    # An API token: made on one's profile page, its secret shown by the other, used on both.
    profile = browser.get(f"{other.url}/accounts/profile/", timeout=10)
    made = browser.post(
        f"{one.url}/accounts/profile/",
        data={"name": "two processes", "csrfmiddlewaretoken": csrf_token(profile.text)},
        headers={"Referer": f"{one.url}/accounts/profile/"},
        allow_redirects=False,
        timeout=10,
    )
    assert made.status_code == 302
    shown = browser.get(f"{other.url}/accounts/profile/", timeout=10).text
    secret = re.search(r"cpt_[A-Za-z0-9_\-]{43}", shown).group(0)
    for portal in (one, other):
        answer = requests.get(portal.url + collection_path, headers=bearer(secret), timeout=10)
        assert answer.status_code == 200

    # A signed URL: signed by one for the restricted collection's file in the S3 server, it
    # opens on the other without a login; a signature the other could not check is 403.
    s3_href = next(iter(first_item(s3_demo.collections, OSTTIROL)["assets"].values()))["href"]
    signed = browser.get(f"{one.url}/api/v1/sign", params={"href": s3_href}, timeout=10)
    assert signed.status_code == 200, signed.text
    signed_href = signed.json()["href"]
    on_other = (
        signed_href.replace(one.url, other.url)
        if signed_href.startswith("http")
        else other.url + signed_href
    )
    opened = requests.get(on_other, headers={"Range": "bytes=0-3"}, timeout=10)
    assert opened.status_code == 206, opened.text
    assert opened.content[:2] in (b"II", b"MM")  # a TIFF's byte order mark
    forged = re.sub(r"signature=[^&]+", "signature=" + "0" * 43, on_other)
    assert requests.get(forged, timeout=10).status_code == 403

    # A registered search: registered on one, its mosaic drawn by the other from the S3 server.
    item = first_item(s3_demo.collections, OSTTIROL)
    registered = browser.post(
        f"{one.url}/tiles/searches/register", json={"collections": [OSTTIROL]}, timeout=10
    )
    assert registered.status_code == 200, registered.text
    search_id = registered.json()["id"]
    item_tiles = f"/tiles/collections/{OSTTIROL}/items/{item['id']}"
    tilejson = browser.get(f"{one.url}{item_tiles}/WebMercatorQuad/tilejson.json", timeout=30)
    tile = centre_tile_path(item, tilejson.json()["maxzoom"])
    mosaic = browser.get(f"{other.url}/tiles/searches/{search_id}/tiles/{tile}", timeout=60)
    assert mosaic.status_code == 200, mosaic.text
    assert mosaic.headers["Content-Type"].startswith("image/")

    # A tile: the same bytes and ETag from both, so a cache in front may keep either's, and
    # one's ETag revalidates on the other without the tile being drawn again.
    drawn = [browser.get(f"{p.url}{item_tiles}/tiles/{tile}", timeout=60) for p in two_portals]
    assert [answer.status_code for answer in drawn] == [200, 200]
    assert drawn[0].headers["Content-Type"].startswith("image/")
    assert drawn[0].content == drawn[1].content
    assert drawn[0].headers["ETag"] == drawn[1].headers["ETag"]
    revalidated = browser.get(
        f"{other.url}{item_tiles}/tiles/{tile}",
        headers={"If-None-Match": drawn[0].headers["ETag"]},
        timeout=60,
    )
    assert revalidated.status_code == 304

    # Nothing above needed a file the other process keeps: no key was made in either VAR_DIR,
    # and the rasters came from the object store, the data folders are still empty.
    assert not [path for path in Path(tmp_path).rglob("secret_key")]
    assert not [*(tmp_path / "data-a").iterdir(), *(tmp_path / "data-b").iterdir()]


@pytest.mark.parametrize(
    ("vendor", "key_from", "warned"),
    [
        ("postgresql", "the development file", True),
        ("postgresql", "the environment", False),
        ("sqlite", "the development file", False),  # one machine's file: one machine's key
    ],
)
def test_serve_names_a_development_key_that_processes_on_a_shared_database_cannot_share(
    settings, tmp_path, vendor, key_from, warned
):
    from catalog_portal.lib.local_files import dev_secret_create
    from catalog_portal.web.checks import shared_key_problem

    settings.SECRET_KEY_DEV_FILE = str(tmp_path / "var" / "secret_key")
    settings.SECRET_KEY = "" if key_from == "the development file" else SHARED_SECRET_KEY
    dev_secret_create()
    problem = shared_key_problem(database_vendor=vendor)
    assert (problem is not None) == warned
    if warned:
        assert "SECRET_KEY" in problem and settings.SECRET_KEY_DEV_FILE in problem
