"""Tiles of assets in object storage and over HTTP: the demo's COGs, uploaded to a real S3
server (moto) and to a Range-capable HTTP server, read through their allow-listed sources,
answer pixel for pixel what the same files answer from the data folder; hrefs outside the
allow-list, and redirects out of it, reach nothing."""

from __future__ import annotations

import copy
import logging

import morecantile
import numpy as np
import pytest
import requests

from catalog_portal.catalog.assets import asset_path
from catalog_portal.catalog.ingest import collection_upsert, items_upsert
from catalog_portal.tiles.catalog_cache import catalog_cache_clear
from tests.test_tiles import GFM, ORTHO, S2, centre_tile, image_read

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
BUCKET = "portal-remote-tiles"
# One item of each kind: three UTM bands, an RGB orthophoto in MGI (the datum-shift path),
# and an Equi7Grid flood map (point values).
COLLECTIONS = (S2, ORTHO, GFM)


@pytest.fixture(autouse=True)
def fresh_lookups():
    catalog_cache_clear()
    yield
    catalog_cache_clear()


@pytest.fixture(scope="module")
def remote_files(demo_files, object_store, http_files) -> dict[str, dict[str, str]]:
    """The files of the first demo item of each collection of COLLECTIONS, uploaded once to
    the S3 server and copied below the HTTP server's root: {local href: {storage: href}}."""
    _, generated = demo_files
    object_store.bucket_create(BUCKET)
    copies = {}
    for collection in generated:
        if collection.stac["id"] not in COLLECTIONS:
            continue
        for asset in collection.items[0]["assets"].values():
            href = asset["href"]
            path = asset_path(href)
            if path is None or path.suffix != ".tif":
                continue
            relative = href.removeprefix("/data/")
            target = http_files.root / "cogs" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            copies[href] = {
                "s3": object_store.upload(BUCKET, f"cogs/{relative}", path),
                "http": f"{http_files.url}/cogs/{relative}",
            }
    return copies


@pytest.fixture
def sources(settings, object_store, http_files):
    """The S3 bucket's prefix and the HTTP server's prefix, allow-listed."""
    settings.ASSET_SOURCES = (object_store.source(BUCKET, "cogs"), http_files.source("cogs"))
    return settings.ASSET_SOURCES


def remote_copy(
    demo, collection_id: str, storage: str, remote_files, *, item_id: str = "", href: str = ""
) -> dict:
    """A copy of the first demo item of ``collection_id`` (as ``item_id``, if given) in a
    collection of its own whose asset hrefs name the ``storage`` copies (or all ``href``);
    returns the copied item's STAC."""
    generated = next(c for c in demo if c.stac["id"] == collection_id)
    stac = copy.deepcopy(generated.stac)
    stac["id"] = f"{collection_id}-{storage}"
    collection, _ = collection_upsert(stac=stac, curation=copy.deepcopy(generated.curation))
    item = copy.deepcopy(generated.items[0])
    item["collection"] = stac["id"]
    item["id"] = item_id or item["id"]
    for asset in item["assets"].values():
        if href:
            asset["href"] = href
        elif asset["href"] in remote_files:
            asset["href"] = remote_files[asset["href"]][storage]
    report = items_upsert(collection=collection, stacs=[item])
    assert not report.invalid, report.invalid
    return item


def item_base(portal: str, stac: dict) -> str:
    return f"{portal}/tiles/collections/{stac['collection']}/items/{stac['id']}"


def answers(portal: str, stac: dict, path: str, **params) -> requests.Response:
    response = requests.get(item_base(portal, stac) + path, params=params, timeout=60)
    assert response.status_code == 200, (path, response.text)
    return response


@pytest.mark.parametrize("storage", ["s3", "http"])
def test_tiles_previews_and_values_from_remote_storage_equal_the_local_files(
    portal_server, demo, remote_files, sources, storage, http_files
):
    asked_before = http_files.request_count
    for collection_id in COLLECTIONS:
        local = next(c for c in demo if c.stac["id"] == collection_id).items[0]
        remote = remote_copy(demo, collection_id, storage, remote_files)
        tile = centre_tile(local, 13)
        west, south, east, north = local["bbox"]
        images = [
            f"/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}.png",
            "/preview.png?max_size=128",
            "/preview/64x64.png",
        ]
        for path in images:
            expected = image_read(answers(portal_server, local, path).content)
            got = image_read(answers(portal_server, remote, path).content)
            assert np.array_equal(got, expected), (collection_id, storage, path)
        for path, params in [
            ("/info", {}),
            ("/statistics", {"max_size": 128}),
            (f"/point/{(west + east) / 2},{(south + north) / 2}", {}),
        ]:
            expected = answers(portal_server, local, path, **params).json()
            assert answers(portal_server, remote, path, **params).json() == expected, (
                collection_id,
                storage,
                path,
            )
        tilejson = answers(portal_server, remote, "/WebMercatorQuad/tilejson.json").json()
        assert (
            tilejson["bounds"]
            == answers(portal_server, local, "/WebMercatorQuad/tilejson.json").json()["bounds"]
        )
    # The remote copies were read where they are (the S3 server keeps no count).
    assert (http_files.request_count > asked_before) == (storage == "http")


@pytest.mark.parametrize("storage", ["s3", "http"])
def test_a_mosaic_of_remote_items_equals_the_mosaic_of_the_local_ones(
    portal_server, demo, remote_files, sources, storage
):
    local = next(c for c in demo if c.stac["id"] == S2).items[0]
    remote_copy(demo, S2, storage, remote_files)
    tile = centre_tile(local, 12)
    images = []
    for collection_id in (S2, f"{S2}-{storage}"):
        registered = requests.post(
            f"{portal_server}/tiles/searches/register",
            json={"collections": [collection_id], "datetime": local["properties"]["datetime"]},
            timeout=30,
        )
        assert registered.status_code == 200, registered.text
        search = registered.json()["id"]
        response = requests.get(
            f"{portal_server}/tiles/searches/{search}/tiles/WebMercatorQuad/"
            f"{tile.z}/{tile.x}/{tile.y}.png",
            params={"assets": "B04", "rescale": "0,3000"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        images.append(image_read(response.content))
    assert images[1][-1].any(), "the mosaic tile shows the item"
    assert np.array_equal(images[0], images[1])


def test_a_missing_remote_object_is_404_naming_the_asset(
    portal_server, demo, remote_files, sources, object_store, caplog
):
    missing = f"s3://{BUCKET}/cogs/never-uploaded.tif"
    remote = remote_copy(demo, GFM, "s3", remote_files, href=missing)
    asset = next(iter(remote["assets"]))
    with caplog.at_level(logging.INFO):
        response = requests.get(
            item_base(portal_server, remote) + "/info", params={"assets": asset}, timeout=30
        )
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == f"the file of asset {asset!r} is missing"
    assert not [record for record in caplog.records if record.exc_info], caplog.text


def test_no_request_reaches_hosts_outside_the_allow_list(
    portal_server, demo, remote_files, sources, http_files, ssrf_canary
):
    """The SSRF canary: hrefs naming it, and an allowed href whose server redirects to it,
    are refused (404) on every tile route, and the canary hears nothing."""
    redirecting = "/cogs/redirects-to-the-canary.tif"
    http_files.redirects[redirecting] = f"{ssrf_canary.url}/cogs/B04.tif"
    allowed_port, canary_port = http_files.url.rsplit(":", 1)[1], ssrf_canary.url.rsplit(":", 1)[1]
    hostile = {
        "canary": f"{ssrf_canary.url}/cogs/B04.tif",
        "redirect": f"{http_files.url}{redirecting}",
        "userinfo": f"http://127.0.0.1:{allowed_port}@127.0.0.1:{canary_port}/cogs/B04.tif",
        "climbing": f"{http_files.url}/cogs/%2e%2e/B04.tif",
    }
    for name, href in hostile.items():
        item = remote_copy(demo, S2, "http", remote_files, item_id=f"hostile-{name}", href=href)
        tile = centre_tile(item, 12)
        west, south, east, north = item["bbox"]
        for path in (
            "/WebMercatorQuad/tilejson.json",
            f"/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}.png",
            "/preview.png",
            "/preview/64x64.png",
            "/info",
            "/statistics",
            f"/point/{(west + east) / 2},{(south + north) / 2}",
        ):
            response = requests.get(
                item_base(portal_server, item) + path, params={"assets": "B04"}, timeout=30
            )
            if path.endswith("tilejson.json"):
                continue  # it names tile URLs and reads no file
            assert response.status_code == 404, (name, path, response.text)
            assert "not a file the portal serves" in response.json()["detail"], (name, path)
    assert ssrf_canary.request_count == 0, dict(ssrf_canary.requests)
    assert http_files.requests[redirecting] >= 1  # asked, and its redirect refused


def test_a_public_item_naming_a_restricted_collections_remote_file_draws_nothing(
    portal_server, demo, remote_files, sources
):
    """A file in object storage belongs to the collections whose items name it, as a local
    file does: a public item naming a restricted collection's object draws nothing for
    callers who may not see that collection."""
    from catalog_portal.catalog.models import Collection

    owned = remote_copy(demo, ORTHO, "s3", remote_files)
    Collection.objects.filter(stac_id=owned["collection"]).update(visibility="restricted")
    href = next(iter(owned["assets"].values()))["href"]
    crafted = remote_copy(demo, GFM, "s3", remote_files, item_id="crafted", href=href)
    catalog_cache_clear()
    asset = next(iter(crafted["assets"]))
    response = requests.get(
        item_base(portal_server, crafted) + "/info", params={"assets": asset}, timeout=30
    )
    assert response.status_code == 404, response.status_code
    assert "is not a file the portal serves" in response.json()["detail"]
