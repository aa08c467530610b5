"""The tile reader's asset hook: rio-tiler's ``MultiBaseReader`` asks its subclasses where each
asset's file is (``_get_asset_info``); ours answers from the catalogue alone, quietly."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pystac
import pytest
import rasterio
import rio_tiler.io.stac
from rasterio.transform import from_origin
from rio_tiler.errors import InvalidAssetName

from catalog_portal.tiles.catalog_items import CatalogItem
from catalog_portal.tiles.error_responses import AssetNotServable
from catalog_portal.tiles.reader import CatalogItemReader
from catalog_portal.tiles.renders import assets_parse

BANDS_WITHOUT_STATISTICS = [{"data_type": "uint8"}]
BANDS_WITH_STATISTICS = [{"data_type": "uint8", "statistics": {"minimum": 10, "maximum": 200}}]


@pytest.fixture
def item(settings, tmp_path):
    """A catalogued item with two local files (one with band statistics), a remote asset and
    an alternate href, in a DATA_ROOT of its own."""
    settings.DATA_ROOT = tmp_path
    for name in ("plain.tif", "stats.tif", "other.tif"):
        with rasterio.open(
            tmp_path / name,
            "w",
            driver="GTiff",
            width=64,
            height=64,
            count=1,
            dtype="uint8",
            crs="EPSG:3857",
            transform=from_origin(1_000_000, 6_000_000, 10, 10),
        ) as dataset:
            dataset.write(np.full((1, 64, 64), 100, dtype="uint8"))

    def asset(href: str, **extra) -> pystac.Asset:
        return pystac.Asset(href=href, media_type=pystac.MediaType.COG, extra_fields=extra)

    stac = pystac.Item(
        "one",
        geometry=None,
        bbox=[8.98, 47.28, 8.99, 47.29],
        datetime=datetime(2024, 1, 1, tzinfo=UTC),
        properties={},
    )
    stac.add_asset(
        "plain",
        asset(
            "/data/plain.tif",
            **{
                "raster:bands": BANDS_WITHOUT_STATISTICS,
                "alternate": {"local": {"href": "/data/other.tif"}},
            },
        ),
    )
    stac.add_asset("stats", asset("/data/stats.tif", **{"raster:bands": BANDS_WITH_STATISTICS}))
    stac.add_asset("remote", asset("https://example.com/elsewhere.tif"))
    return CatalogItem(
        collection_id="c",
        item_id="one",
        stac=stac,
        renders={},
        restricted=False,
        readable_assets=frozenset({"plain", "stats"}),
        version="1",
    )


def test_an_asset_is_read_from_the_catalogues_own_file_never_an_alternate(item, monkeypatch):
    monkeypatch.setattr(rio_tiler.io.stac, "STAC_ALTERNATE_KEY", "local")
    with CatalogItemReader(item) as reader:
        assert reader._get_asset_info("plain")["url"].endswith("/plain.tif")


def test_an_asset_outside_data_root_is_refused(item):
    with CatalogItemReader(item) as reader, pytest.raises(AssetNotServable):
        reader.tile(0, 0, 0, assets=["remote"])


def test_a_file_the_item_does_not_own_for_its_caller_is_refused(item):
    """Only assets whose files the catalogue lets this caller read are opened (file_owners)."""
    with CatalogItemReader(replace(item, readable_assets=frozenset())) as reader:
        with pytest.raises(AssetNotServable):
            reader._get_asset_info("plain")


def test_an_unknown_asset_is_refused(item):
    with CatalogItemReader(item) as reader, pytest.raises(InvalidAssetName):
        reader._get_asset_info("missing")


def test_band_options_reach_the_read_and_statistics_stretch_it(item):
    with CatalogItemReader(item) as reader:
        info = reader._get_asset_info({"name": "stats", "indexes": [1]})
        assert info["method_options"] == {"indexes": [1]}
        assert info["dataset_statistics"] == [(10.0, 200.0)]
        assert "dataset_statistics" not in reader._get_asset_info("plain")
        expressed = reader._get_asset_info({"name": "stats", "expression": "b1*2"})
        assert "dataset_statistics" not in expressed


def test_info_and_statistics_of_all_assets_warn_about_nothing(item):
    item.stac.assets.pop("remote")
    with CatalogItemReader(item) as reader, warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(reader.info()) == {"plain", "stats"}
        assert set(reader.statistics(max_size=64)) == {"plain", "stats"}
        assert reader.merged_statistics(max_size=64)


@pytest.mark.parametrize(
    "values, expected",
    [
        (["B04"], ["B04"]),
        (["image|bidx=1,2,3"], [{"name": "image", "indexes": [1, 2, 3]}]),
        (["B08|expression=b1*2", "B04"], [{"name": "B08", "expression": "b1*2"}, "B04"]),
        (["x|bidx=2|expression=b1"], [{"name": "x", "indexes": [2], "expression": "b1"}]),
    ],
)
def test_asset_options_are_read_as_titiler_writes_them(values, expected):
    assert assets_parse(values=values) == expected


@pytest.mark.parametrize("value", ["B04|bidx=x", "B04|bands=red", "B04|bidx", "B04|bidx="])
def test_asset_options_titiler_does_not_write_are_refused(value):
    from catalog_portal.catalog.search import InvalidParameter

    with pytest.raises(InvalidParameter):
        assets_parse(values=[value])
