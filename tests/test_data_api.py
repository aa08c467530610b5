"""The data API at /data: catalogued files over HTTP, whole or in byte ranges, only to those
who may see the item that names them."""

import logging

import numpy as np
import pytest
import rasterio
import requests

from catalog_portal.catalog.assets import asset_path, data_path
from catalog_portal.catalog.ingest import asset_files_replace
from catalog_portal.catalog.models import AssetFile, Item
from tests.conftest import session_cookie

TAMSWEG = "dop-kaernten-tamsweg"
OSTTIROL = "dop-kaernten-osttirol"  # restricted to the demo group


def first_asset(generated, collection_id: str) -> tuple[str, str]:
    """(item id, href) of the first asset of the first item of a demo collection."""
    collection = next(c for c in generated if c.stac["id"] == collection_id)
    item = collection.items[0]
    asset = next(iter(item["assets"].values()))
    return item["id"], asset["href"]


@pytest.fixture
def public_cog(demo):
    _, href = first_asset(demo, TAMSWEG)
    return href, asset_path(href).read_bytes()


@pytest.fixture
def restricted_cog(demo):
    _, href = first_asset(demo, OSTTIROL)
    return href, asset_path(href).read_bytes()


def test_anyone_reads_a_public_cog_whole(demo_server, public_cog):
    href, content = public_cog
    response = requests.get(demo_server + href, timeout=10)
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Content-Type"].startswith("image/tiff; application=geotiff")
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Cache-Control"].startswith("public")
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_head_answers_the_headers_without_the_body(demo_server, public_cog):
    href, content = public_cog
    response = requests.head(demo_server + href, timeout=10)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(content)
    assert response.content == b""


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-99", lambda c: c[:100]),
        ("bytes=1000-1999", lambda c: c[1000:2000]),
        ("bytes=-500", lambda c: c[-500:]),
        ("bytes=100-", lambda c: c[100:]),
    ],
    ids=["first", "middle", "suffix", "open-ended"],
)
def test_a_single_range_returns_exactly_those_bytes(demo_server, public_cog, header, expected):
    href, content = public_cog
    response = requests.get(demo_server + href, headers={"Range": header}, timeout=10)
    assert response.status_code == 206
    assert response.content == expected(content)
    assert response.headers["Content-Range"].endswith(f"/{len(content)}")


def test_several_ranges_come_as_multipart_byteranges(demo_server, public_cog):
    href, content = public_cog
    response = requests.get(demo_server + href, headers={"Range": "bytes=0-9, 500-509"}, timeout=10)
    assert response.status_code == 206
    assert response.headers["Content-Type"].startswith("multipart/byteranges; boundary=")
    assert content[:10] in response.content and content[500:510] in response.content


def test_a_range_past_the_end_is_not_satisfiable(demo_server, public_cog):
    href, content = public_cog
    response = requests.get(
        demo_server + href, headers={"Range": f"bytes={len(content) + 10}-"}, timeout=10
    )
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(content)}"


def test_a_known_etag_gets_304_not_modified(demo_server, public_cog):
    href, _ = public_cog
    etag = requests.head(demo_server + href, timeout=10).headers["ETag"]
    response = requests.get(demo_server + href, headers={"If-None-Match": etag}, timeout=10)
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag


def test_restricted_files_are_not_found_for_anonymous_and_outsiders(
    portal_server, restricted_cog, charlie
):
    href, _ = restricted_cog
    assert requests.get(portal_server + href, timeout=10).status_code == 404
    outsider = requests.get(portal_server + href, cookies=session_cookie(charlie), timeout=10)
    assert outsider.status_code == 404


def test_the_demo_user_reads_restricted_files_with_a_session(portal_server, restricted_cog):
    from django.contrib.auth.models import User

    href, content = restricted_cog
    demo_user = User.objects.get(username="demo")
    response = requests.get(portal_server + href, cookies=session_cookie(demo_user), timeout=10)
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    "path",
    [
        "/data/nothing/here.tif",
        "/data/../manage.py",
        "/data/%2e%2e/%2e%2e/etc/passwd",
        "/data/",
    ],
)
def test_paths_outside_the_catalogue_are_not_found(portal_server, demo, path):
    response = requests.get(portal_server + path, timeout=10)
    assert response.status_code == 404


@pytest.fixture
def data_root_file(settings):
    """Make files in the (shared) demo DATA_ROOT that are removed after the test."""
    made = []

    def make(name: str):
        made.append(settings.DATA_ROOT / name)
        return made[-1]

    yield make
    for path in made:
        path.unlink(missing_ok=True)


def test_a_file_no_asset_names_is_not_found(portal_server, demo, data_root_file):
    data_root_file("stray.tif").write_bytes(b"not catalogued")
    assert requests.get(f"{portal_server}/data/stray.tif", timeout=10).status_code == 404


def test_a_symlink_out_of_data_root_is_not_found(portal_server, demo, data_root_file, tmp_path):
    _, href = first_asset(demo, TAMSWEG)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    item = AssetFile.objects.get(path=data_path(href)).item
    link = data_root_file("link.tif")
    link.symlink_to(outside)
    item.stac["assets"]["link"] = {"href": "/data/link.tif", "type": "image/tiff"}
    item.save()
    asset_files_replace(items=[item])
    assert AssetFile.objects.filter(path="link.tif").exists()
    assert requests.get(f"{portal_server}/data/link.tif", timeout=10).status_code == 404


def test_asset_hrefs_of_the_api_are_readable_data_urls(demo_server, demo):
    item_id, href = first_asset(demo, TAMSWEG)
    item = requests.get(
        f"{demo_server}/api/v1/collections/{TAMSWEG}/items/{item_id}", timeout=10
    ).json()
    urls = [asset["href"] for asset in item["assets"].values()]
    assert f"{demo_server}{href}" in urls
    for url in urls:
        assert requests.head(url, timeout=10).status_code == 200


def test_gdal_reads_the_same_pixels_over_http_as_from_disk(demo_server, public_cog):
    href, _ = public_cog
    with rasterio.open(asset_path(href)) as local:
        expected = local.read(1, window=((100, 164), (200, 264)))
        crs = local.crs
    with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR"):
        with rasterio.open(f"/vsicurl/{demo_server}{href}") as remote:
            assert remote.crs == crs
            assert np.array_equal(remote.read(1, window=((100, 164), (200, 264))), expected)


def test_ingest_records_each_local_asset_file_once(demo):
    files = AssetFile.objects.count()
    expected = sum(
        1
        for collection in demo
        for item in collection.items
        for asset in item["assets"].values()
        if asset["href"].startswith("/data/")
    )
    assert files == expected > 0
    # Storing the same documents again rewrites nothing and adds nothing.
    item = Item.objects.filter(files__isnull=False).first()
    asset_files_replace(items=[item])
    assert AssetFile.objects.count() == files


def test_the_migration_backfills_asset_files_of_existing_items(demo):
    from importlib import import_module

    from django.apps import apps

    files = AssetFile.objects.count()
    AssetFile.objects.all().delete()
    import_module("catalog_portal.catalog.migrations.0008_asset_file").backfill(apps, None)
    assert AssetFile.objects.count() == files


def test_a_catalogued_file_that_is_gone_is_not_found_and_logged(portal_server, public_cog, caplog):
    href, _ = public_cog
    path = asset_path(href)
    moved = path.with_suffix(".moved")
    path.rename(moved)
    try:
        with caplog.at_level(logging.WARNING, logger="catalog_portal.data.files"):
            response = requests.get(f"{portal_server}{href}")
    finally:
        moved.rename(path)
    assert response.status_code == 404
    assert "missing" in caplog.text and path.name in caplog.text
