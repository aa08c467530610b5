"""import_stac from an API whose items keep their COGs in object storage or behind HTTP(S):
the hrefs are stored as published, each belongs to its allow-listed source, and GDAL reads
the pixels through that source; nothing is fetched from a host outside the allow-list."""

from __future__ import annotations

import numpy as np
import rasterio

from catalog_portal.catalog.asset_sources import asset_source
from catalog_portal.catalog.assets import data_path
from catalog_portal.catalog.models import Item
from tests.conftest import read_json
from tests.stac_api_server import StacApiServer
from tests.test_import_stac import import_stac


def test_items_pointing_at_allowed_s3_and_http_sources_keep_their_hrefs_and_read(
    db, settings, object_store, http_files, ssrf_canary, demo_files
):
    data_root, generated = demo_files
    local_href = next(iter(generated[0].items[0]["assets"].values()))["href"]
    local_file = data_root / data_path(local_href)
    object_store.bucket_create("harvest")
    s3_href = object_store.upload("harvest", "scenes/a/data.tif", local_file)
    (http_files.root / "scenes").mkdir(exist_ok=True)
    (http_files.root / "scenes" / "b.tif").write_bytes(local_file.read_bytes())
    http_href = f"{http_files.url}/scenes/b.tif"
    elsewhere_href = f"{ssrf_canary.url}/scenes/c.tif"  # a host nobody listed
    s3_source, http_source = object_store.source("harvest", "scenes"), http_files.source("scenes")
    settings.ASSET_SOURCES = (s3_source, http_source)

    collection = {**read_json("stac/collection.json"), "id": "harvested"}
    items = []
    for name, href in (("in-s3", s3_href), ("over-http", http_href), ("elsewhere", elsewhere_href)):
        item = {**read_json("stac/item.json"), "id": name, "collection": "harvested"}
        item["assets"] = {"data": {"href": href, "type": "image/tiff", "roles": ["data"]}}
        items.append(item)
    with StacApiServer([collection], items) as api:
        import_stac(api.url)

    stored = {
        stac_id: stac["assets"]["data"]["href"]
        for stac_id, stac in Item.objects.values_list("stac_id", "stac")
    }
    assert stored == {"in-s3": s3_href, "over-http": http_href, "elsewhere": elsewhere_href}
    assert asset_source(s3_href) == s3_source
    assert asset_source(http_href) == http_source
    assert asset_source(elsewhere_href) is None  # stored, but never read
    with rasterio.open(local_file) as read_locally:
        expected = read_locally.read()
    for href in (s3_href, http_href):
        source = asset_source(href)
        with rasterio.Env(**source.rasterio_env()), rasterio.open(source.gdal_path(href)) as read:
            assert np.array_equal(read.read(), expected)
    assert ssrf_canary.request_count == 0
