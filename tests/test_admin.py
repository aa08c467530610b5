"""Curation happens in Django's admin: featured, category, order, visibility and groups."""

from catalog_portal.catalog.models import Collection, CollectionSource, Item
from tests.conftest import admin_change_form


def test_admin_lists_collections_with_their_curation(client, alice, make_collection):
    make_collection("listed-collection", category="sentinel-2", featured=True)
    client.force_login(alice)
    response = client.get("/admin/catalog/collection/")
    assert response.status_code == 200
    assert "listed-collection" in response.content.decode()


def test_admin_restricts_a_collection_to_a_group(client, alice, make_collection, granted_group):
    collection = make_collection("to-restrict")
    client.force_login(alice)
    url = f"/admin/catalog/collection/{collection.pk}/change/"
    data = admin_change_form(client, url)
    data.update(visibility="restricted", groups=[granted_group.pk], featured="on", featured_order=3)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    collection = Collection.objects.get(pk=collection.pk)
    assert collection.is_restricted
    assert list(collection.groups.all()) == [granted_group]
    assert (collection.featured, collection.featured_order) == (True, 3)


def test_item_admin_opens_without_counting_every_item(client, alice, make_collection, make_item):
    make_item(make_collection(), "an-item")
    client.force_login(alice)
    response = client.get("/admin/catalog/item/")
    assert response.status_code == 200
    assert "an-item" in response.content.decode()


def test_deleting_items_in_the_admin_updates_the_item_count(
    client, alice, make_collection, make_item
):
    collection = make_collection()
    first = make_item(collection, "first")
    make_item(collection, "second")
    client.force_login(alice)
    client.post(f"/admin/catalog/item/{first.pk}/delete/", {"post": "yes"})
    assert Collection.objects.get(pk=collection.pk).item_count == 1
    client.post(
        "/admin/catalog/item/",
        {"action": "delete_selected", "_selected_action": [i.pk for i in Item.objects.all()],
         "post": "yes"},
    )  # fmt: skip
    assert Collection.objects.get(pk=collection.pk).item_count == 0


def test_the_collection_admin_shows_where_an_imported_collection_came_from(
    client, alice, make_collection
):
    collection = make_collection("imported")
    CollectionSource.objects.create(
        collection=collection, source="https://stac.example.org/v1", source_collection_id="remote"
    )
    client.force_login(alice)
    page = client.get(f"/admin/catalog/collection/{collection.pk}/change/").content.decode()
    assert "https://stac.example.org/v1" in page
    assert "remote" in page
    assert 'name="sources-0-source"' not in page  # shown, not editable: imports keep it
