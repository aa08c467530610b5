"""Members of ZIP archives through the data API: /data/<archive>.zip/<member path>, whole or in
byte ranges, without unpacking, to those who may see the item that names the archive."""

from __future__ import annotations

import logging
import random
import uuid
import zipfile

import numpy as np
import pytest
import rasterio
import requests

from catalog_portal.catalog.assets import asset_path
from catalog_portal.catalog.ingest import asset_files_replace
from catalog_portal.catalog.models import Item
from tests.conftest import session_cookie

TAMSWEG = "dop-kaernten-tamsweg"
OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group


def notes_text() -> bytes:
    """~200 kB of text that compresses but is not trivially repetitive."""
    rng = random.Random(7)
    words = ["flood", "extent", "orthophoto", "Kärnten", "Sentinel", "backscatter", "cloud"]
    return " ".join(rng.choice(words) for _ in range(30_000)).encode()


@pytest.fixture
def archive(demo, settings):
    """Builds an archive in DATA_ROOT and names it as an asset of a demo collection's first
    item; returns a function (collection id, asset href of a member or None) -> its contents."""
    made = []

    def make(collection_id: str, *, name_member: str | None = None) -> dict:
        item = Item.objects.filter(collection__stac_id=collection_id).order_by("stac_id").first()
        cog_href = next(iter(item.assets.values()))["href"]
        cog = asset_path(cog_href).read_bytes()
        relative = f"archives/{uuid.uuid4().hex}.zip"
        path = settings.DATA_ROOT / relative
        path.parent.mkdir(exist_ok=True)
        with zipfile.ZipFile(path, "w") as packed:
            packed.writestr("cog.tif", cog, compress_type=zipfile.ZIP_STORED)
            packed.writestr("notes/readme.txt", notes_text(), compress_type=zipfile.ZIP_DEFLATED)
            packed.writestr("deflated.tif", cog, compress_type=zipfile.ZIP_DEFLATED)
            packed.mkdir("empty-folder")
        made.append(path)
        href = f"/data/{relative}" if name_member is None else f"/data/{relative}/{name_member}"
        item.stac["assets"]["archive"] = {"href": href, "type": "application/zip"}
        item.save()
        asset_files_replace(items=[item])
        return {
            "url": f"/data/{relative}",
            "cog": cog,
            "cog_href": cog_href,
            "notes": notes_text(),
        }

    yield make
    for path in made:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize("member, key", [("cog.tif", "cog"), ("notes/readme.txt", "notes")])
def test_a_member_is_served_whole(portal_server, archive, member, key):
    packed = archive(TAMSWEG)
    response = requests.get(f"{portal_server}{packed['url']}/{member}", timeout=10)
    assert response.status_code == 200
    assert response.content == packed[key]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert int(response.headers["Content-Length"]) == len(packed[key])


def test_members_have_the_media_type_of_their_name(portal_server, archive):
    packed = archive(TAMSWEG)
    cog = requests.head(f"{portal_server}{packed['url']}/cog.tif", timeout=10)
    notes = requests.head(f"{portal_server}{packed['url']}/notes/readme.txt", timeout=10)
    assert cog.headers["Content-Type"].startswith("image/tiff; application=geotiff")
    assert notes.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("member, key", [("cog.tif", "cog"), ("notes/readme.txt", "notes")])
@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-99", lambda c: c[:100]),
        ("bytes=5000-9999", lambda c: c[5000:10000]),
        ("bytes=-700", lambda c: c[-700:]),
        ("bytes=1000-", lambda c: c[1000:]),
    ],
    ids=["first", "middle", "suffix", "last"],
)
def test_a_range_of_a_member_is_exactly_those_bytes(
    portal_server, archive, member, key, header, expected
):
    """Stored members are windows of the archive, deflated ones are decompressed up to the
    range: both give the member's own bytes."""
    packed = archive(TAMSWEG)
    url = f"{portal_server}{packed['url']}/{member}"
    response = requests.get(url, headers={"Range": header}, timeout=10)
    assert response.status_code == 206
    assert response.content == expected(packed[key])
    assert response.headers["Content-Range"].endswith(f"/{len(packed[key])}")


def multipart_parts(response: requests.Response) -> dict[str, bytes]:
    """The parts of a multipart/byteranges answer, by their Content-Range."""
    boundary = response.headers["Content-Type"].split("boundary=")[1].encode()
    parts = {}
    for chunk in response.content.split(b"--" + boundary):
        if b"\r\n\r\n" not in chunk:
            continue
        head, body = chunk.split(b"\r\n\r\n", 1)
        content_range = next(
            line.split(b":", 1)[1].strip().decode()
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-range")
        )
        parts[content_range] = body.removesuffix(b"\r\n")
    return parts


@pytest.mark.parametrize("member, key", [("cog.tif", "cog"), ("notes/readme.txt", "notes")])
def test_several_ranges_of_a_member_come_as_multipart_byteranges(
    portal_server, archive, member, key
):
    packed = archive(TAMSWEG)
    content = packed[key]
    url = f"{portal_server}{packed['url']}/{member}"
    response = requests.get(url, headers={"Range": "bytes=0-9, 3000-3099, -5"}, timeout=10)
    assert response.status_code == 206
    size = len(content)
    assert multipart_parts(response) == {
        f"bytes 0-9/{size}": content[:10],
        f"bytes 3000-3099/{size}": content[3000:3100],
        f"bytes {size - 5}-{size - 1}/{size}": content[-5:],
    }


def test_a_range_past_a_members_end_is_not_satisfiable(portal_server, archive):
    packed = archive(TAMSWEG)
    size = len(packed["notes"])
    response = requests.get(
        f"{portal_server}{packed['url']}/notes/readme.txt",
        headers={"Range": f"bytes={size + 1}-"},
        timeout=10,
    )
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_a_members_etag_answers_304_and_decides_if_range(portal_server, archive):
    packed = archive(TAMSWEG)
    url = f"{portal_server}{packed['url']}/cog.tif"
    etag = requests.head(url, timeout=10).headers["ETag"]
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    current = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": etag}, timeout=10)
    assert current.status_code == 206 and current.content == packed["cog"][:10]
    stale = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'}, timeout=10)
    assert stale.status_code == 200 and stale.content == packed["cog"]


def test_members_of_one_archive_have_different_etags(portal_server, archive):
    packed = archive(TAMSWEG)
    tags = {
        requests.head(f"{portal_server}{packed['url']}/{name}", timeout=10).headers["ETag"]
        for name in ("cog.tif", "deflated.tif", "notes/readme.txt")
    }
    assert len(tags) == 3


@pytest.mark.parametrize("member", ["missing.tif", "empty-folder", "empty-folder/", "../cog.tif"])
def test_what_is_not_a_file_in_the_archive_is_not_found(portal_server, archive, member):
    packed = archive(TAMSWEG)
    response = requests.get(f"{portal_server}{packed['url']}/{member}", timeout=10)
    assert response.status_code == 404


@pytest.mark.parametrize("member", ["cog.tif", "deflated.tif"])
def test_gdal_reads_a_cog_inside_an_archive_as_from_disk(portal_server, archive, member):
    packed = archive(TAMSWEG)
    with rasterio.open(asset_path(packed["cog_href"])) as local:
        expected = local.read(1, window=((50, 114), (70, 134)))
    with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR"):
        with rasterio.open(f"/vsicurl/{portal_server}{packed['url']}/{member}") as remote:
            assert np.array_equal(remote.read(1, window=((50, 114), (70, 134))), expected)


def test_members_of_a_restricted_archive_are_only_for_who_may_see_it(
    portal_server, archive, demo_user, charlie
):
    packed = archive(OSTTIROL)
    url = f"{portal_server}{packed['url']}/cog.tif"
    assert requests.get(url, timeout=10).status_code == 404
    assert requests.get(url, cookies=session_cookie(charlie), timeout=10).status_code == 404
    granted = requests.get(url, cookies=session_cookie(demo_user), timeout=10)
    assert granted.status_code == 200 and granted.content == packed["cog"]
    assert granted.headers["Cache-Control"].startswith("private")


def test_an_asset_naming_one_member_opens_that_member_only(portal_server, archive):
    packed = archive(TAMSWEG, name_member="cog.tif")
    named = requests.get(f"{portal_server}{packed['url']}/cog.tif", timeout=10)
    assert named.status_code == 200 and named.content == packed["cog"]
    other = requests.get(f"{portal_server}{packed['url']}/notes/readme.txt", timeout=10)
    assert other.status_code == 404
    assert requests.get(f"{portal_server}{packed['url']}", timeout=10).status_code == 404


def test_an_unreadable_archive_is_not_found_and_the_reason_is_logged(
    portal_server, archive, caplog
):
    packed = archive(TAMSWEG)
    asset_path(packed["url"]).write_bytes(b"not a zip archive")
    with caplog.at_level(logging.WARNING, logger="catalog_portal.data.zips"):
        response = requests.get(f"{portal_server}{packed['url']}/cog.tif", timeout=10)
    assert response.status_code == 404
    assert "not readable" in caplog.text and packed["url"].rsplit("/", 1)[-1] in caplog.text
