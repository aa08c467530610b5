"""The gallery registers each example's search once, not on every visit."""

from __future__ import annotations

from catalog_portal.tiles.models import RegisteredSearch
from catalog_portal.tiles.registry import search_id_of
from catalog_portal.web.gallery import EXAMPLES


def test_the_first_visit_registers_each_example_search_under_its_content_hash(client, demo):
    # Searches that the shared server registered for earlier tests are committed: start empty
    # (inside this test's transaction, rolled back after it).
    RegisteredSearch.objects.all().delete()
    client.get("/gallery/")
    expected = {search_id_of(query=example.search) for example in EXAMPLES}
    assert set(RegisteredSearch.objects.values_list("id", flat=True)) == expected


def test_later_visits_register_nothing_and_read_the_registry_once(
    client, demo, django_assert_num_queries
):
    client.get("/gallery/")
    # The viewer's collections and which example ids are stored: nothing per example.
    with django_assert_num_queries(2):
        page = client.get("/gallery/").content.decode()
    for example in EXAMPLES:
        assert f"/tiles/searches/{search_id_of(query=example.search)}/bbox/" in page


def test_a_search_id_is_the_same_whatever_the_order_or_empty_parameters():
    query = {"collections": ["GFM"], "bbox": [1, 2, 3, 4]}
    same = {"bbox": [1, 2, 3, 4], "datetime": "", "filter": None, "collections": ["GFM"]}
    assert search_id_of(query=query) == search_id_of(query=same)
    assert search_id_of(query=query) != search_id_of(query={**query, "collections": ["other"]})
