"""import_stac reads a static catalog or a STAC API and upserts idempotently, reporting
invalid items by id."""

import copy
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from catalog_portal.catalog.models import Collection, Item
from tests.conftest import DATA, free_port, read_json
from tests.stac_api_server import StacApiServer

STATIC_CATALOG = DATA / "static_catalog" / "catalog.json"
STATIC_ITEM = (
    DATA / "static_catalog/static-s2/S2A_33TVN_20210903_0_L2A/S2A_33TVN_20210903_0_L2A.json"
)


def import_stac(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_stac", *map(str, args), stdout=out, stderr=err, verbosity=0, **options)
    return out.getvalue(), err.getvalue()


# --- static catalogs ------------------------------------------------------------------------


def test_static_catalog_imports_its_collection_and_valid_items(db):
    out, err = import_stac(STATIC_CATALOG)
    assert Collection.objects.get().stac_id == "static-s2"
    assert set(Item.objects.values_list("stac_id", flat=True)) == {
        "S2A_33TVN_20210903_0_L2A",
        "S2A_33TVN_20210908_0_L2A",
        "S2A_33TVN_20210913_0_L2A",
    }
    assert "3 created" in out
    assert "1 invalid" in out


def test_invalid_items_are_reported_by_id_with_the_reason(db):
    _, err = import_stac(STATIC_CATALOG)
    assert "invalid item S2A_33TVN_20210918_broken: " in err
    assert "has no time zone" in err


def test_local_files_outside_data_root_are_refused_and_catalog_links_are_dropped(db):
    _, err = import_stac(STATIC_CATALOG)
    item = Item.objects.get(stac_id="S2A_33TVN_20210903_0_L2A")
    assert "B04" not in item.stac["assets"]
    assert "asset B04 of item S2A_33TVN_20210903_0_L2A refused" in err
    assert [link["rel"] for link in item.stac["links"]] == ["license"]


def test_reimporting_changes_nothing(db):
    import_stac(STATIC_CATALOG)
    stamps = dict(Item.objects.values_list("stac_id", "updated"))
    collection_stamp = Collection.objects.get().updated
    out, _ = import_stac(STATIC_CATALOG)
    assert "0 created, 0 updated, 3 unchanged" in out
    assert dict(Item.objects.values_list("stac_id", "updated")) == stamps
    assert Collection.objects.get().updated == collection_stamp


def test_reimport_keeps_curation_set_by_admins(db):
    import_stac(STATIC_CATALOG)
    Collection.objects.update(category="sentinel-2", featured=True, visibility="restricted")
    import_stac(STATIC_CATALOG)
    collection = Collection.objects.get()
    assert (collection.category, collection.featured, collection.visibility) == (
        "sentinel-2",
        True,
        "restricted",
    )


def test_a_single_item_file_imports_with_its_collection(db):
    # Its collection sits in the folder above: outside the item's own folder unless allowed.
    import_stac(STATIC_ITEM, "--allow-path", DATA / "static_catalog")
    assert list(Item.objects.values_list("stac_id", "collection__stac_id")) == [
        ("S2A_33TVN_20210903_0_L2A", "static-s2")
    ]


def test_max_items_caps_a_static_import(db):
    import_stac(STATIC_CATALOG, max_items=2)
    assert Item.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/catalog.json"], "no such file"),
        ([DATA / "stac" / "collection.json", "--bbox", "0,0,1,1"], "apply to STAC APIs"),
        ([STATIC_CATALOG, "--collection", "nope"], "no collection nope"),
        ([STATIC_CATALOG, "--max-items", "0"], "positive number"),
    ],
)
def test_bad_sources_and_options_stop_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        import_stac(*args)
    assert not Item.objects.exists()


def test_a_document_that_is_not_stac_is_refused(db, tmp_path):
    path = tmp_path / "not-stac.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(CommandError, match="not a STAC document"):
        import_stac(path)


# --- STAC APIs ------------------------------------------------------------------------------


def api_catalogue(count: int = 25) -> tuple[list[dict], list[dict]]:
    """Two collections; the first has ``count`` items on consecutive days."""
    first = read_json("stac/collection.json")
    first["id"] = "api-s2"
    second = {**copy.deepcopy(first), "id": "api-other", "title": "Other"}
    items = []
    for n in range(count):
        item = read_json("stac/item.json")
        item["id"] = f"api-item-{n:02d}"
        item["collection"] = "api-s2"
        lon = 14.0 + 0.1 * n
        item["geometry"]["coordinates"] = [
            [[lon, 47.0], [lon + 0.05, 47.0], [lon + 0.05, 47.05], [lon, 47.05], [lon, 47.0]]
        ]
        item["bbox"] = [lon, 47.0, lon + 0.05, 47.05]
        when = dt.datetime(2021, 9, 1, 10, tzinfo=dt.UTC) + dt.timedelta(days=n)
        item["properties"]["datetime"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        items.append(item)
    other = {**read_json("stac/item.json"), "id": "other-item", "collection": "api-other"}
    return [first, second], [*items, other]


@pytest.fixture
def stac_api():
    collections, items = api_catalogue()
    with StacApiServer(collections, items) as api:
        yield api


def test_api_import_pages_through_every_item_exactly_once(db, stac_api):
    out, _ = import_stac(stac_api.url, collection=["api-s2"])
    assert Item.objects.filter(collection__stac_id="api-s2").count() == 25
    assert "25 created" in out
    assert stac_api.requests.count("POST /search") >= 3  # 25 items at 10 a page


def test_api_import_takes_every_collection_by_default(db, stac_api):
    import_stac(stac_api.url)
    assert set(Collection.objects.values_list("stac_id", flat=True)) == {"api-s2", "api-other"}
    assert Item.objects.count() == 26


def test_api_import_passes_bbox_and_datetime_to_the_search(db, stac_api):
    import_stac(
        stac_api.url,
        "--collection",
        "api-s2",
        "--bbox",
        "14.07,46.9,14.45,47.2",
        "--datetime",
        "2021-09-01T00:00:00Z/2021-09-03T23:59:59Z",
    )
    assert sorted(Item.objects.values_list("stac_id", flat=True)) == ["api-item-01", "api-item-02"]


def test_api_import_stops_at_max_items(db, stac_api):
    import_stac(stac_api.url, max_items=12)
    assert Item.objects.count() == 12


def test_api_reimport_changes_nothing_and_takes_changes(db, stac_api):
    import_stac(stac_api.url, collection=["api-s2"])
    out, _ = import_stac(stac_api.url, collection=["api-s2"])
    assert "0 created, 0 updated, 25 unchanged" in out
    stac_api.items[0]["properties"]["eo:cloud_cover"] = 99.0
    out, _ = import_stac(stac_api.url, collection=["api-s2"])
    assert "0 created, 1 updated, 24 unchanged" in out
    assert Item.objects.get(stac_id="api-item-00").stac["properties"]["eo:cloud_cover"] == 99.0


def test_api_import_of_an_unknown_collection_is_refused(db, stac_api):
    with pytest.raises(CommandError, match="no collection missing"):
        import_stac(stac_api.url, collection=["missing"])


def test_an_unreachable_api_is_reported(db):
    with pytest.raises(CommandError, match="cannot be read"):
        import_stac(f"http://127.0.0.1:{free_port()}/")


def test_a_bad_bbox_is_a_usage_error(db):
    with pytest.raises(CommandError, match="four comma-separated numbers"):
        import_stac(STATIC_CATALOG, "--bbox", "1,2,3")


@pytest.mark.parametrize(
    "spelling", [["--bbox=-85.4,30.1,-85.2,30.3"], ["--bbox", "-85.4,30.1,-85.2,30.3"]]
)
def test_a_bbox_west_of_greenwich_works_with_or_without_an_equals_sign(db, stac_api, spelling):
    west = stac_api.items[3]
    west["geometry"]["coordinates"] = [
        [[-85.3, 30.2], [-85.25, 30.2], [-85.25, 30.25], [-85.3, 30.25], [-85.3, 30.2]]
    ]
    west["bbox"] = [-85.3, 30.2, -85.25, 30.25]
    import_stac(stac_api.url, "--collection", "api-s2", *spelling)
    assert list(Item.objects.values_list("stac_id", flat=True)) == [west["id"]]
