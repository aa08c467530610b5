"""A file belongs to one collection: a public item naming a restricted collection's file gets
neither its bytes (data API) nor its pixels (tiles) for callers who may not see that collection.

Ingest refuses such an asset; the serving side is tested on its own with crafted items written
straight into the database, as a script or an older database could have them.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command

from catalog_portal.catalog.assets import asset_path, data_path, local_asset_files
from catalog_portal.catalog.file_owners import (
    RECORDED_FILES,
    asset_files_recorded,
    readable_asset_keys,
)
from catalog_portal.catalog.ingest import item_columns, items_upsert
from catalog_portal.catalog.models import AssetFile, Collection, Item
from catalog_portal.tiles.catalog_cache import catalog_cache_clear
from tests.conftest import bearer, read_json
from tests.test_tiles import centre_tile, tile_path

RESTRICTED = "dop-kaernten-osttirol"
CRAFTED = "crafted-public"
FIRST_BYTES = {"Range": "bytes=0-99"}


@pytest.fixture(autouse=True)
def fresh_lookups():
    catalog_cache_clear()
    yield
    catalog_cache_clear()


@pytest.fixture
def restricted_item(demo) -> Item:
    """The first item of the restricted demo collection."""
    return Item.objects.filter(collection__stac_id=RESTRICTED).order_by("stac_id").first()


def crafted_document(restricted_item: Item) -> dict:
    """A public item with the restricted item's footprint and assets (so the same files)."""
    stac = copy.deepcopy(restricted_item.stac)
    stac.update(id="crafted-item", collection=CRAFTED, links=[])
    return stac


def public_collection() -> Collection:
    stac = read_json("stac/collection.json")
    stac["id"] = CRAFTED
    return Collection.objects.create(stac_id=CRAFTED, stac=stac)


def crafted_in_database(restricted_item: Item, *, with_files: bool) -> Item:
    """The crafted item written past ingest: the item row, and (``with_files``) the asset
    file rows ingest would have recorded without its check."""
    document = crafted_document(restricted_item)
    item = Item.objects.create(
        collection=public_collection(),
        stac_id=document["id"],
        stac=document,
        **item_columns(document),
    )
    if with_files:
        for key, asset in document["assets"].items():
            AssetFile.objects.create(item=item, asset_key=key, path=data_path(asset["href"]))
    return item


def first_asset(item: Item) -> tuple[str, str]:
    """(key, href) of the item's first asset."""
    key, asset = next(iter(item.stac["assets"].items()))
    return key, asset["href"]


# --- ingest ---------------------------------------------------------------------------------


def test_importing_an_item_that_names_another_collections_file_leaves_that_asset_out(
    db, demo, restricted_item, tmp_path
):
    key, href = first_asset(restricted_item)
    collection = read_json("stac/collection.json")
    collection.update(id=CRAFTED, links=[{"rel": "item", "href": "./item.json"}])
    (tmp_path / "collection.json").write_text(json.dumps(collection))
    item = crafted_document(restricted_item)
    # As a file path, the way a static catalogue names a local file: the import turns a file
    # below DATA_ROOT into its /data/ href, and only then is it another collection's file.
    item["assets"][key]["href"] = str(Path(settings.DATA_ROOT) / data_path(href))
    item["assets"]["own"] = {"href": "https://example.org/own.tif", "type": "image/tiff"}
    (tmp_path / "item.json").write_text(json.dumps(item))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_stac", str(tmp_path / "collection.json"), stdout=out, stderr=err, verbosity=0
    )
    stored = Item.objects.get(collection__stac_id=CRAFTED)
    assert key not in stored.stac["assets"]
    assert "own" in stored.stac["assets"]
    # Its own remote file is recorded; the other collection's local file is not.
    assert not AssetFile.objects.filter(item=stored, asset_key=key).exists()
    assert f"refused asset of item crafted-item: asset {key!r} left out" in err.getvalue()
    assert f"belongs to collection {RESTRICTED!r}" in err.getvalue()


def test_items_of_one_collection_may_share_a_file_and_reimporting_keeps_it(db, demo):
    collection = Collection.objects.get(stac_id=RESTRICTED)
    item = Item.objects.filter(collection=collection).order_by("stac_id").first()
    twin = copy.deepcopy(item.stac)
    twin["id"] = "twin"
    report = items_upsert(collection=collection, stacs=[item.stac, twin])
    assert not report.refused_assets and not report.invalid
    key, _ = first_asset(item)
    assert key in Item.objects.get(collection=collection, stac_id="twin").stac["assets"]


# --- which of an item's files a caller reads -------------------------------------------------


def readable_for(item: Item, *, sees: set[str]) -> frozenset[str]:
    """The keys of ``item``'s files a caller who sees the collections ``sees`` may read, as
    the tiles work them out: from the item read with ``asset_files_recorded``."""
    ids = set(Collection.objects.filter(stac_id__in=sees).values_list("pk", flat=True))
    annotated = Item.objects.annotate(
        **{RECORDED_FILES: asset_files_recorded(collection_ids=ids)}
    ).get(pk=item.pk)
    return readable_asset_keys(item=annotated)


def test_a_file_is_read_only_by_callers_who_see_every_collection_naming_it(db, restricted_item):
    crafted = crafted_in_database(restricted_item, with_files=True)
    keys = {key for key, _, _ in local_asset_files(crafted.stac)}
    assert keys
    assert readable_for(crafted, sees={CRAFTED}) == frozenset()
    assert readable_for(restricted_item, sees={RESTRICTED}) == frozenset()
    assert readable_for(crafted, sees={CRAFTED, RESTRICTED}) == keys
    assert readable_for(restricted_item, sees={CRAFTED, RESTRICTED}) == keys


def test_a_file_is_read_only_for_the_item_and_asset_it_is_recorded_for(db, restricted_item):
    sees = {RESTRICTED}
    keys = {key for key, _, _ in local_asset_files(restricted_item.stac)}
    assert readable_for(restricted_item, sees=sees) == keys
    key, href = first_asset(restricted_item)
    # The same file recorded under another key of the item, or another file under this key.
    recorded = AssetFile.objects.get(item=restricted_item, asset_key=key)
    recorded.asset_key = "elsewhere"
    recorded.save()
    assert readable_for(restricted_item, sees=sees) == keys - {key}
    recorded.asset_key, recorded.path = key, "demo/another.tif"
    recorded.save()
    assert readable_for(restricted_item, sees=sees) == keys - {key}
    # An item without recorded files reads none.
    AssetFile.objects.filter(item=restricted_item).delete()
    assert readable_for(restricted_item, sees=sees) == frozenset()


# --- serving: the crafted item written past ingest --------------------------------------------


@pytest.mark.parametrize("with_files", [True, False], ids=["with-file-rows", "item-row-only"])
def test_a_crafted_public_item_gives_anonymous_callers_neither_bytes_nor_pixels(
    portal_server, restricted_item, with_files
):
    crafted = crafted_in_database(restricted_item, with_files=with_files)
    key, href = first_asset(crafted)
    assert asset_path(href).is_file()
    tiles = f"{portal_server}/tiles/collections/{CRAFTED}/items/{crafted.stac_id}"
    tile = centre_tile(crafted.stac, 16)
    # Small reads, so that the old code's answers (200) come quickly too.
    answers = {
        "file": requests.get(f"{portal_server}{href}", headers=FIRST_BYTES, timeout=60),
        "preview": requests.get(
            f"{tiles}/preview.png", params={"assets": key, "max_size": 64}, timeout=60
        ),
        "info": requests.get(f"{tiles}/info", params={"assets": key}, timeout=60),
        "tile": requests.get(
            f"{tiles}{tile_path(tile, '.png')}", params={"assets": key}, timeout=60
        ),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 404
    )


def test_a_crafted_public_item_draws_nothing_in_a_mosaic(portal_server, restricted_item):
    crafted = crafted_in_database(restricted_item, with_files=True)
    key, _ = first_asset(crafted)
    tiles = f"{portal_server}/tiles"
    registered = requests.post(
        f"{tiles}/searches/register", json={"collections": [CRAFTED]}, timeout=30
    )
    search = registered.json()["id"]
    west, south, east, north = crafted.stac["bbox"]
    answer = requests.get(
        f"{tiles}/searches/{search}/bbox/{west},{south},{east},{north}.png",
        params={"assets": key, "max_size": 64},
        timeout=60,
    )
    assert answer.status_code != 200


def test_who_may_see_the_owning_collection_still_reads_the_file(
    portal_server, restricted_item, demo_user, make_token
):
    crafted = crafted_in_database(restricted_item, with_files=True)
    key, href = first_asset(crafted)
    headers = bearer(make_token(demo_user))
    tiles = f"{portal_server}/tiles/collections/{CRAFTED}/items/{crafted.stac_id}"
    data = requests.get(f"{portal_server}{href}", headers={**headers, **FIRST_BYTES}, timeout=60)
    assert data.status_code == 206
    preview = requests.get(
        f"{tiles}/preview.png", params={"assets": key, "max_size": 64}, headers=headers, timeout=60
    )
    assert preview.status_code == 200
