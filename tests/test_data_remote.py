"""Restricted files in object storage stay restricted: the STAC API publishes them as portal
URLs, the data API serves them (proxied ranges, or a short-lived presigned redirect) only to
those who may see their item, and the sign endpoint signs them; public remote files keep their
URL. Against a real S3-protocol server (moto) and a real Range-capable HTTP server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from catalog_portal.catalog.models import Collection, CollectionShare, Item
from tests.conftest import bearer, session_cookie
from tests.object_store import item_files_to_store

RESTRICTED = "dop-kaernten-osttirol"  # the demo's, granted to the demo user's group
PUBLIC = "dop-kaernten-tamsweg"
BUCKET = "portal-private"


def first_item(collection_id: str) -> Item:
    return Item.objects.filter(collection__stac_id=collection_id).order_by("stac_id").first()


def asset_of(item: Item) -> tuple[str, dict]:
    return next(iter(item.stac["assets"].items()))


@pytest.fixture
def stored(portal_server, demo, object_store, settings, tmp_path):
    """The restricted collection's first item, its files moved to the S3 server (and the
    public collection's first item likewise): {"item", "href" (s3://), "content", "url" (the
    portal's data URL, as the API publishes it), "public_href"}."""
    object_store.bucket_create(BUCKET)
    settings.ASSET_SOURCES = (object_store.source(BUCKET),)
    contents = {}

    def upload(path, name):
        contents[name] = path.read_bytes()
        return object_store.upload(BUCKET, name, path)

    item = first_item(RESTRICTED)
    item_files_to_store(item, upload=upload)
    public = first_item(PUBLIC)
    item_files_to_store(public, upload=upload)
    key, asset = asset_of(item)
    name = asset["href"].removeprefix(f"s3://{BUCKET}/")
    return {
        "item": item,
        "key": key,
        "href": asset["href"],
        "content": contents[name],
        "url": f"{portal_server}/data/~s3/{BUCKET}/{name}",
        "public_item": public,
        "public_href": asset_of(public)[1]["href"],
    }


@pytest.fixture
def granted(demo_user, make_token):
    return {
        "session": {"cookies": session_cookie(demo_user)},
        "token": {"headers": bearer(make_token(demo_user))},
    }


@pytest.fixture
def refused(charlie, make_token):
    return {
        "anonymous": {},
        "outsider (session)": {"cookies": session_cookie(charlie)},
        "outsider (token)": {"headers": bearer(make_token(charlie))},
    }


def get(url: str, auth: dict, *, headers: dict | None = None, **options) -> requests.Response:
    """GET ``url`` as a visitor (``auth``: cookies= or headers=) with more ``headers``."""
    merged = {**auth.get("headers", {}), **(headers or {})}
    return requests.get(url, headers=merged, cookies=auth.get("cookies"), timeout=30, **options)


def api_item(base: str, collection: str, item: Item, **auth) -> dict:
    url = f"{base}/api/v1/collections/{collection}/items/{item.stac_id}"
    response = requests.get(url, timeout=30, **auth)
    assert response.status_code == 200, response.text
    return response.json()


# --- what the STAC API publishes -------------------------------------------------------------


def test_the_api_publishes_a_restricted_s3_file_as_the_portals_url(portal_server, stored, granted):
    for auth in granted.values():
        document = api_item(portal_server, RESTRICTED, stored["item"], **auth)
        assert document["assets"][stored["key"]]["href"] == stored["url"]
        assert f"s3://{BUCKET}" not in str(document)


def test_the_item_page_links_the_portals_url_too(portal_server, stored, granted):
    page = requests.get(
        f"{portal_server}/collections/{RESTRICTED}/items/{stored['item'].stac_id}/",
        timeout=30,
        **granted["session"],
    )
    assert page.status_code == 200
    assert stored["url"] in page.text
    assert f"s3://{BUCKET}" not in page.text


def test_a_public_remote_file_keeps_its_original_url(portal_server, stored):
    document = api_item(portal_server, PUBLIC, stored["public_item"])
    assert next(iter(document["assets"].values()))["href"] == stored["public_href"]


def test_a_restricted_href_outside_every_source_is_kept_and_never_served(
    portal_server, stored, settings, granted
):
    settings.ASSET_SOURCES = ()
    document = api_item(portal_server, RESTRICTED, stored["item"], **granted["token"])
    assert document["assets"][stored["key"]]["href"] == stored["href"]
    assert requests.get(stored["url"], timeout=30, **granted["token"]).status_code == 404


# --- the data API, proxying ------------------------------------------------------------------


def test_only_the_granted_read_a_restricted_s3_file(portal_server, stored, granted, refused):
    for who, auth in refused.items():
        response = requests.get(stored["url"], timeout=30, **auth)
        assert response.status_code == 404, who
        assert stored["content"][:4096] not in response.content
    for who, auth in granted.items():
        response = requests.get(stored["url"], timeout=30, **auth)
        assert response.status_code == 200, who
        assert response.content == stored["content"]
        assert response.headers["Cache-Control"].startswith("private")
        assert response.headers["Accept-Ranges"] == "bytes"
        assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_ranges_of_a_proxied_file_are_exactly_those_bytes(portal_server, stored, granted):
    content, auth = stored["content"], granted["token"]
    for header, expected in [
        ("bytes=0-99", content[:100]),
        ("bytes=1000-1999", content[1000:2000]),
        ("bytes=-500", content[-500:]),
        ("bytes=100-", content[100:]),
    ]:
        response = get(stored["url"], auth, headers={"Range": header})
        assert response.status_code == 206, header
        assert response.content == expected, header
        assert response.headers["Content-Range"].endswith(f"/{len(content)}")


def test_several_ranges_of_a_proxied_file_come_as_multipart(portal_server, stored, granted):
    content = stored["content"]
    response = get(stored["url"], granted["session"], headers={"Range": "bytes=0-9, 500-509"})
    assert response.status_code == 206
    kind = response.headers["Content-Type"]
    assert kind.startswith("multipart/byteranges; boundary=")
    boundary = kind.split("boundary=")[1].encode()
    parts = [part for part in response.content.split(b"--" + boundary) if b"Content-Range" in part]
    bodies = [part.split(b"\r\n\r\n", 1)[1].removesuffix(b"\r\n") for part in parts]
    assert bodies == [content[:10], content[500:510]]
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_a_range_past_the_end_of_a_proxied_file_is_416(portal_server, stored, granted):
    size = len(stored["content"])
    response = get(stored["url"], granted["token"], headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_head_and_if_none_match_answer_a_proxied_file_without_its_body(
    portal_server, stored, granted
):
    auth = granted["token"]
    head = requests.head(stored["url"], timeout=30, **auth)
    assert head.status_code == 200
    assert int(head.headers["Content-Length"]) == len(stored["content"])
    assert head.content == b""
    etag = head.headers["ETag"]
    again = get(stored["url"], auth, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    stale = get(stored["url"], auth, headers={"Range": "bytes=0-9", "If-Range": '"an-older'})
    assert stale.status_code == 200
    assert stale.content == stored["content"]


def test_a_catalogued_file_gone_from_the_store_is_404(portal_server, stored, granted, object_store):
    from catalog_portal.catalog.asset_sources import s3_client

    key = stored["href"].removeprefix(f"s3://{BUCKET}/")
    s3_client(object_store.source(BUCKET)).delete_object(Bucket=BUCKET, Key=key)
    assert requests.get(stored["url"], timeout=30, **granted["token"]).status_code == 404


def test_a_local_path_that_looks_remote_is_no_file(portal_server, stored, granted):
    # The ~ paths name remote files only: a local href in that form is not recorded or read.
    response = requests.get(
        f"{portal_server}/data/~s3/{BUCKET}/../../etc/passwd", timeout=30, **granted["token"]
    )
    assert response.status_code == 404


# --- the data API, redirecting ---------------------------------------------------------------


@pytest.fixture
def redirecting(settings):
    settings.DATA_REMOTE_MODE = "redirect"
    settings.DATA_REMOTE_REDIRECT_SECONDS = 1


def test_redirect_mode_sends_the_granted_to_a_presigned_url_that_expires(
    portal_server, stored, granted, refused, redirecting, object_store
):
    for who, auth in refused.items():
        response = requests.get(stored["url"], timeout=30, allow_redirects=False, **auth)
        assert response.status_code == 404, who
    for who, auth in granted.items():
        response = requests.get(stored["url"], timeout=30, allow_redirects=False, **auth)
        assert response.status_code == 307, who
        assert response.headers["Cache-Control"] == "no-store"
        presigned = response.headers["Location"]
        assert presigned.startswith(f"{object_store.endpoint}/{BUCKET}/")
        fresh = requests.get(presigned, headers={"Range": "bytes=0-99"}, timeout=30)
        assert fresh.status_code == 206
        assert fresh.content == stored["content"][:100]
    # Valid for DATA_REMOTE_REDIRECT_SECONDS from now, signed with SigV4. (moto 5 does not
    # enforce a presigned URL's expiry, so the store's refusal afterwards is not tested here.)
    query = parse_qs(urlsplit(presigned).query)
    assert query["X-Amz-Expires"] == ["1"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


def test_redirect_mode_still_proxies_an_http_source(
    portal_server, demo, http_files, settings, granted, redirecting
):
    settings.ASSET_SOURCES = (http_files.source("restricted"),)

    def upload(path, name):
        target = http_files.root / "restricted" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        return f"{http_files.url}/restricted/{name}"

    item = first_item(RESTRICTED)
    moved = item_files_to_store(item, upload=upload)
    href = next(iter(moved.values()))
    content = (http_files.root / href.removeprefix(f"{http_files.url}/")).read_bytes()
    url = f"{portal_server}/data/~http/{urlsplit(href).netloc}{urlsplit(href).path}"
    document = api_item(portal_server, RESTRICTED, item, **granted["token"])
    assert url in [asset["href"] for asset in document["assets"].values()]
    response = get(url, granted["token"], headers={"Range": "bytes=10-19"}, allow_redirects=False)
    assert response.status_code == 206
    assert response.content == content[10:20]
    assert requests.get(url, timeout=30).status_code == 404


# --- signing -----------------------------------------------------------------------------------


def test_only_the_granted_sign_a_restricted_s3_file(portal_server, stored, granted, refused):
    sign = f"{portal_server}/api/v1/sign"
    for who, auth in refused.items():
        for href in (stored["url"], stored["href"]):
            response = requests.get(sign, params={"href": href}, timeout=30, **auth)
            assert response.status_code == 404, who
    for who, auth in granted.items():
        for href in (stored["url"], stored["href"]):
            response = requests.get(sign, params={"href": href}, timeout=30, **auth)
            assert response.status_code == 200, (who, response.text)
            signed = response.json()["href"]
            assert signed.startswith(stored["url"] + "?")
            # Anyone holding the signed URL reads the file, without a session or token.
            ranged = requests.get(signed, headers={"Range": "bytes=0-99"}, timeout=30)
            assert ranged.status_code == 206, who
            assert ranged.content == stored["content"][:100]
            assert ranged.headers["Cache-Control"].startswith("private")


def test_a_signed_url_of_a_remote_file_ends_with_the_signers_access(
    portal_server, stored, charlie, make_token
):
    share = CollectionShare.objects.create(
        collection=Collection.objects.get(stac_id=RESTRICTED), user=charlie
    )
    response = get(
        f"{portal_server}/api/v1/sign",
        {"headers": bearer(make_token(charlie))},
        params={"href": stored["url"]},
    )
    signed = response.json()["href"]
    assert requests.head(signed, timeout=30).status_code == 200
    share.delete()
    assert requests.head(signed, timeout=30).status_code == 404


def test_a_restricted_collection_made_public_publishes_the_original_url(portal_server, stored):
    Collection.objects.filter(stac_id=RESTRICTED).update(visibility=Collection.Visibility.PUBLIC)
    document = api_item(portal_server, RESTRICTED, stored["item"])
    assert document["assets"][stored["key"]]["href"] == stored["href"]
