"""The demo catalogue: six collections of real COGs in their own projections, generated
offline and deterministically, loaded idempotently, with one collection restricted."""

import copy
import io
import re
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from django.contrib.auth.models import User
from django.core.management import call_command
from pyproj import CRS as ProjCRS
from rasterio.warp import transform_bounds
from shapely.geometry import shape

from catalog_portal.catalog.access import visible_collections
from catalog_portal.catalog.assets import asset_path
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.demo import loader
from catalog_portal.demo.flood import EQUI7_EU, flood_collections
from catalog_portal.demo.loader import (
    DEMO_PASSWORD,
    DEMO_USER,
    demo_catalog_store,
)

EXPECTED = {
    "dop-kaernten-tamsweg": ("orthofotos", "public"),
    "dop-kaernten-klagenfurt": ("orthofotos", "public"),
    "dop-kaernten-osttirol": ("orthofotos", "restricted"),
    "sentinel-2-l2a": ("sentinel-2", "public"),
    "sentinel-1-sig0": ("sentinel-1", "public"),
    "GFM": ("other", "public"),
}


def all_assets(generated):
    for collection in generated:
        for item in collection.items:
            for key, asset in item["assets"].items():
                yield collection, item, key, asset


def test_demo_has_six_collections_in_their_categories(demo):
    found = {c.stac_id: (c.category, c.visibility) for c in Collection.objects.all()}
    assert found == EXPECTED
    assert Collection.objects.get(stac_id="dop-kaernten-tamsweg").title == (
        "Digital Orthophotos (DOP) Austria - Land Kärnten: Orthofotos Flugblock Tamsweg"
    )
    assert Collection.objects.filter(featured=True).count() >= 3


def test_osttirol_is_visible_only_to_the_demo_user(demo, anonymous, charlie):
    demo_user = User.objects.get(username=DEMO_USER)
    assert demo_user.check_password(DEMO_PASSWORD)
    assert "dop-kaernten-osttirol" in visible_collections(demo_user).values_list(
        "stac_id", flat=True
    )
    for outsider in (anonymous, charlie):
        ids = visible_collections(outsider).values_list("stac_id", flat=True)
        assert "dop-kaernten-osttirol" not in ids
        assert len(ids) == 5


def test_sentinel2_has_enough_items_to_page_through(demo):
    assert Item.objects.filter(collection__stac_id="sentinel-2-l2a").count() >= 150


def test_orthophoto_items_carry_the_flight_metadata(demo):
    items = Item.objects.filter(collection__stac_id="dop-kaernten-tamsweg")
    assert "4622-42" in items.values_list("stac_id", flat=True)
    properties = [item.properties for item in items]
    for key in (
        "grenze",
        "wolken",
        "max_gsd",
        "min_gsd",
        "mission",
        "bruecken",
        "meridian",
        "schatten",
        "anmerkung",
        "schnittlinie",
        "interpolation",
        "proj:shape",
    ):
        assert all(key in p for p in properties), key
    assert {p["proj:epsg"] for p in properties} == {31255}
    assert all(p["datetime"].startswith("2021-09-") for p in properties)
    gsd = [p["max_gsd"] for p in properties]
    assert min(gsd) <= 15 < max(gsd), "a max_gsd <= 15 filter must select some but not all"


def test_every_asset_is_a_cloud_optimized_geotiff_as_described(demo):
    for _, item, _, asset in all_assets(demo):
        path = asset_path(asset["href"])
        with rasterio.open(path) as raster:
            assert raster.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG", path
            assert raster.profile["compress"] == "deflate"
            # 256 px tiles (rasterio calls a one-tile image "not tiled", so the shape is checked).
            assert raster.block_shapes[0] == (256, 256)
            if max(raster.shape) > 256:
                assert raster.overviews(1), path
            band = asset["raster:bands"][0]
            assert raster.dtypes[0] == band["data_type"]
            assert raster.nodata == band["nodata"]
            epsg = item["properties"]["proj:epsg"]
            if epsg is None:
                assert ProjCRS.from_wkt(item["properties"]["proj:wkt2"]) == ProjCRS.from_wkt(
                    raster.crs.to_wkt()
                )
            else:
                assert raster.crs.to_epsg() == epsg
            assert path.stat().st_size == asset["file:size"]


def test_projections_are_the_real_ones(demo):
    crs = {}
    for collection, _, _, asset in all_assets(demo):
        with rasterio.open(asset_path(asset["href"])) as raster:
            crs.setdefault(collection.stac["id"], raster.crs)
    assert crs["dop-kaernten-tamsweg"].to_epsg() == 31255
    assert crs["sentinel-2-l2a"].to_epsg() == 32633
    assert ProjCRS.from_wkt(crs["GFM"].to_wkt()).equals(ProjCRS.from_wkt(EQUI7_EU.to_wkt()))
    assert "Azimuthal Equidistant" in ProjCRS.from_wkt(crs["GFM"].to_wkt()).to_wkt()


def test_item_footprints_are_the_rasters_footprints(demo):
    for _, item, _, asset in all_assets(demo):
        with rasterio.open(asset_path(asset["href"])) as raster:
            west, south, east, north = transform_bounds(raster.crs, "EPSG:4326", *raster.bounds)
        footprint = shape(item["geometry"])
        assert footprint.is_valid
        assert footprint.bounds == pytest.approx((west, south, east, north), abs=1e-5)
        # A projected rectangle is no lon/lat rectangle: the footprint is not its own bbox.
        assert footprint.area < shapely.box(*footprint.bounds).area


def test_gfm_items_lie_in_the_eodc_example_area_in_september_2024(demo):
    area = shapely.box(16.43, 50.75, 17.88, 51.31)
    for item in Item.objects.filter(collection__stac_id__in=["GFM", "sentinel-1-sig0"]):
        assert area.contains(shape(item.geometry))
        assert item.datetime.year == 2024 and item.datetime.month == 9


def test_the_flood_rises_and_recedes(demo):
    by_day: dict[int, float] = {}
    for item in Item.objects.filter(collection__stac_id="GFM"):
        day = item.datetime.day
        by_day[day] = by_day.get(day, 0) + item.properties["flooded_area_km2"]
    days = sorted(by_day)
    peak = max(days, key=by_day.get)
    assert by_day[days[0]] < by_day[peak] > by_day[days[-1]]


def test_images_look_like_landscapes_not_noise(demo):
    ortho = next(a for c, _, _, a in all_assets(demo) if c.stac["id"] == "dop-kaernten-tamsweg")
    with rasterio.open(asset_path(ortho["href"])) as raster:
        red = raster.read(1).astype(float)
    neighbours = np.corrcoef(red[:, :-1].ravel(), red[:, 1:].ravel())[0, 1]
    assert neighbours > 0.8

    scene = next(
        i
        for c in demo
        if c.stac["id"] == "sentinel-2-l2a"
        for i in c.items
        if i["properties"]["eo:cloud_cover"] < 5
    )
    bands = {}
    for name in ("B04", "B08", "SCL"):
        with rasterio.open(asset_path(scene["assets"][name]["href"])) as raster:
            bands[name] = raster.read(1)
    vegetation = np.repeat(np.repeat(bands["SCL"] == 4, 2, axis=0), 2, axis=1)
    assert bands["B08"][vegetation].mean() > 2 * bands["B04"][vegetation].mean()


def test_cloud_cover_is_counted_from_the_scene_classification(demo):
    scene = max(
        (i for c in demo if c.stac["id"] == "sentinel-2-l2a" for i in c.items),
        key=lambda i: i["properties"]["eo:cloud_cover"],
    )
    with rasterio.open(asset_path(scene["assets"]["SCL"]["href"])) as raster:
        scl = raster.read(1)
    cloudy = np.isin(scl, [8, 9]).mean() * 100
    assert scene["properties"]["eo:cloud_cover"] == pytest.approx(cloudy, abs=0.01)


def test_generation_is_deterministic(tmp_path):
    first = flood_collections(tmp_path / "a", lambda _: None)
    second = flood_collections(tmp_path / "b", lambda _: None)
    assert [c.stac for c in first] == [c.stac for c in second]
    assert [c.items for c in first] == [c.items for c in second]
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.tif"))
    assert files
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_storing_the_demo_again_changes_nothing(demo):
    report = demo_catalog_store(collections=copy.deepcopy(demo))
    assert (report.items.created, report.items.updated) == (0, 0)
    assert report.items.unchanged == Item.objects.count()


def test_load_demo_command_writes_files_and_catalogue(db, settings, demo_files, monkeypatch):
    # Generation itself is what builds the session's demo_files (and is checked above); the
    # command is checked for generating under DATA_ROOT and storing what it generated, so
    # the session's files stand in for a second generation of the same 700+ files.
    data_root, generated = demo_files
    settings.DATA_ROOT = data_root
    asked = []

    def generate_again(*, data_root: Path, progress) -> list:
        asked.append(data_root)
        return copy.deepcopy(generated)

    monkeypatch.setattr(loader, "demo_catalog_generate", generate_again)
    out = io.StringIO()
    call_command("load_demo", stdout=out, verbosity=0)
    assert asked == [data_root]
    assert Collection.objects.count() == 6
    assert "Development login for restricted data: demo / demo" in out.getvalue()
    assert len(list(Path(data_root).rglob("*.tif"))) > 700

    call_command("load_demo", "--if-empty", stdout=out, verbosity=0)
    assert "not loaded" in out.getvalue()


def test_load_demo_shows_its_progress_out_of_a_total(db, settings, tmp_path, capsys):
    """Generating the demo takes a while on a first `make run`: its progress bar counts the
    steps done out of all of them ("198/198", not an open-ended "198step"), and ends full."""
    settings.DATA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO(), verbosity=1)
    shown = capsys.readouterr().err.replace("\r", "\n")
    counts = [(int(done), int(total)) for done, total in re.findall(r"(\d+)/(\d+) \[", shown)]
    assert counts, shown[-500:]
    totals = {total for _, total in counts}
    assert len(totals) == 1, totals
    assert counts[-1][0] == counts[-1][1], "the bar ends full"
    assert "100%" in shown
