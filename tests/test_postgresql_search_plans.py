"""PostgreSQL: searches that must not read every item get their order from an index.

A test table is too small for the planner to prefer an index on its own, so each plan is asked
for with sequential scans and sorts priced out (SET LOCAL, inside the test's transaction):
the plan then uses an index that gives the order if one exists, and sorts if none does.
Files named test_postgresql_*.py run in the PostgreSQL run only (tests/conftest.py).
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog_portal.catalog.models import Item
from catalog_portal.catalog.search import ItemSearch, item_search
from catalog_portal.catalog.search.params import parse_sortby


@pytest.fixture
def two_collections(make_collection, make_item):
    for name in ("first", "second"):
        collection = make_collection(name)
        for n in range(3):
            make_item(collection, f"{name}-{n}", **{"eo:cloud_cover": float(n * 10)})


def page_plan(user, search: ItemSearch) -> str:
    """The plan of the query that reads the page of ``search``."""
    with CaptureQueriesContext(connection) as captured:
        page = item_search(user=user, search=search)
    assert page.items
    query = captured.captured_queries[-1]["sql"]  # the caller's scope first, then the page
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + query)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("sortby", "index"),
    [
        ("eo:cloud_cover", "item_cloud_cover_order_asc"),
        ("-properties.eo:cloud_cover", "item_cloud_cover_order_desc"),
    ],
)
def test_a_cloud_cover_sort_across_collections_walks_its_index(
    two_collections, anonymous, sortby, index
):
    plan = page_plan(anonymous, ItemSearch(sortby=parse_sortby(sortby)))
    assert f"Index Scan using {index}" in plan, plan
    assert "Sort" not in plan, plan


def test_a_cloud_cover_sort_within_one_collection_walks_the_same_index(two_collections, anonymous):
    search = ItemSearch(collections=("second",), sortby=parse_sortby("-eo:cloud_cover"))
    plan = page_plan(anonymous, search)
    assert "Index Scan using item_cloud_cover_order_desc" in plan, plan
    assert "Sort" not in plan, plan


def test_a_bulk_load_keeps_every_item_index_and_its_statistics_target(db):
    """A synthetic load larger than the table drops the item indexes and builds them again
    (demo/synthetic.py); the cloud-cover filter's plan needs the finer histogram migration 0013
    gives their first column, which a plain CREATE INDEX would not have."""
    from django.core.management import call_command

    def indexes() -> set[tuple[str, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, a.attnum, a.attstattarget FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indexrelid "
                "WHERE i.indrelid = 'catalog_item'::regclass"
            )
            return set(cursor.fetchall())

    before = indexes()
    assert ("item_cloud_cover_order_asc", 1, 1000) in before
    count = Item.objects.count()
    call_command("load_demo", "--synthetic-items", str(count + 50), verbosity=0)
    assert indexes() == before
