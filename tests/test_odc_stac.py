"""odc-stac loads demo bands into xarray from the portal: items from the STAC API found by
pystac-client, pixels read over HTTP from the data API (GDAL range requests)."""

import numpy as np
import odc.stac
import pytest
import rasterio
from pystac_client import Client

from catalog_portal.catalog.assets import asset_path

CASES = {
    # collection: (bands, the CRS odc-stac must find in the items' projection fields)
    "sentinel-2-l2a": (["B04", "B08"], "EPSG:32633"),
    "GFM": (["ensemble_flood_extent"], None),  # Equi7Grid, given only as proj:wkt2
}


@pytest.mark.parametrize("collection_id", CASES)
def test_odc_stac_loads_bands_over_http_with_the_right_shape_and_crs(
    portal_server, demo, collection_id
):
    bands, epsg = CASES[collection_id]
    generated = next(c for c in demo if c.stac["id"] == collection_id).items[0]
    client = Client.open(f"{portal_server}/api/v1")
    items = client.search(collections=[collection_id], ids=[generated["id"]]).item_collection()
    assert [item.id for item in items] == [generated["id"]]
    for item in items:  # the data the test reads must come from the portal, not the disk
        assert all(item.assets[b].href.startswith(f"{portal_server}/data/") for b in bands)

    with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR"):
        loaded = odc.stac.load(items, bands=bands, chunks={"x": 512, "y": 512}).compute()

    height, width = generated["properties"]["proj:shape"]
    assert dict(loaded.sizes) == {"time": 1, "y": height, "x": width}
    with rasterio.open(asset_path(generated["assets"][bands[0]]["href"])) as source:
        assert loaded.odc.geobox.crs == source.crs
        if epsg:
            assert loaded.odc.geobox.crs == epsg
        on_disk = source.read(1)
    for band in bands:  # read, not left at nodata
        assert (loaded[band] != loaded[band].attrs["nodata"]).any()
    assert np.array_equal(loaded[bands[0]].isel(time=0).values, on_disk)
