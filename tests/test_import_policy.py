"""import_stac's policy: a collection of another source is never overwritten silently, every
skipped or merged item is reported by id, and the summary says what happened."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError

from catalog_portal.catalog.models import Collection, CollectionSource, Item
from tests.test_import_reading import collection_doc, item_doc, write
from tests.test_import_stac import import_stac

RENDERS = {"true-color": {"assets": ["visual"], "title": "True colour"}}


@pytest.fixture
def curated(db, make_collection, granted_group: Group) -> Collection:
    """A collection of the portal's own (not imported), curated by its administrators."""
    collection = make_collection(
        "same-id", category="sentinel-2", featured=True, visibility="restricted"
    )
    collection.stac = {**collection.stac, "renders": RENDERS, "description": "Ours"}
    collection.save()
    collection.groups.add(granted_group)
    return collection


def other_source(tmp_path, *, items: int = 2) -> str:
    links = [{"rel": "item", "href": f"./item-{n}.json"} for n in range(items)]
    for n in range(items):
        write(tmp_path / f"item-{n}.json", item_doc(f"theirs-{n}", "same-id", links=[]))
    write(tmp_path / "collection.json", collection_doc("same-id", links))
    return str(tmp_path / "collection.json")


def test_a_collection_of_another_source_is_refused_naming_both(curated, tmp_path):
    source = other_source(tmp_path)
    with pytest.raises(CommandError, match="refused") as refusal:
        import_stac(source)
    message = str(refusal.value)
    assert "same-id" in message and str(tmp_path) in message and "not imported" in message
    curated.refresh_from_db()
    assert curated.stac["renders"] == RENDERS
    assert curated.stac["description"] == "Ours"
    assert not Item.objects.filter(stac_id__startswith="theirs").exists()


def test_update_merges_but_keeps_the_portals_curation(curated, tmp_path, granted_group):
    _, err = import_stac(other_source(tmp_path), "--update")
    curated.refresh_from_db()
    assert (curated.category, curated.featured, curated.visibility) == (
        "sentinel-2",
        True,
        "restricted",
    )
    assert list(curated.groups.all()) == [granted_group]
    assert curated.stac["renders"] == RENDERS
    assert curated.stac["description"] != "Ours"
    assert set(curated.items.values_list("stac_id", flat=True)) == {"theirs-0", "theirs-1"}
    assert "merged: collection same-id (from this portal itself (not imported))" in err


def test_as_imports_under_another_id(curated, tmp_path):
    import_stac(other_source(tmp_path), "--as", "their-copy")
    copy = Collection.objects.get(stac_id="their-copy")
    assert set(copy.items.values_list("stac_id", flat=True)) == {"theirs-0", "theirs-1"}
    assert all(
        item["collection"] == "their-copy" for item in copy.items.values_list("stac", flat=True)
    )
    assert not curated.items.exists()
    source = CollectionSource.objects.get(collection=copy)
    assert (source.source, source.source_collection_id) == (str(tmp_path), "same-id")


def test_the_same_source_updates_without_asking(db, tmp_path):
    source = other_source(tmp_path)
    import_stac(source)
    out, _ = import_stac(source)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert CollectionSource.objects.get().source == str(tmp_path)


def test_duplicate_ids_in_one_import_are_reported(db, tmp_path):
    links = [{"rel": "item", "href": f"./item-{n}.json"} for n in range(3)]
    for n in range(3):
        document = item_doc("twin", "dupes", links=[])
        document["properties"]["n"] = n
        write(tmp_path / f"item-{n}.json", document)
    write(tmp_path / "collection.json", collection_doc("dupes", links))
    out, err = import_stac(tmp_path / "collection.json", batch_size=2)
    assert Item.objects.get().stac["properties"]["n"] == 0
    assert err.count("item twin: duplicate id") == 2
    assert "1 created" in out and "2 skipped" in out and "2 duplicate id" in out


def test_the_summary_counts_collections_and_items_with_reasons(db, tmp_path):
    source = other_source(tmp_path)
    out, _ = import_stac(source)
    assert "Collections: 1 created, 0 updated, 0 unchanged, 0 refused" in out
    assert "Items: 2 created, 0 updated, 0 unchanged, 0 skipped" in out
    out, _ = import_stac(source)
    assert "Collections: 0 created, 0 updated, 1 unchanged, 0 refused" in out
