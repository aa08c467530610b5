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


# About a ninth of the synthetic items' footprints (demo/synthetic.py spreads them over
# 9.5-17.2 E, 46.4-49.0 N) meet this box.
AREA = (12.0, 47.0, 14.0, 48.0)


def item_rows_read(queries: list[str]) -> int:
    """Rows of catalog_item that ``queries`` read (returned by a scan or removed by its
    filter), from EXPLAIN ANALYZE."""

    def read(node: dict) -> int:
        own = 0
        if node.get("Relation Name") == "catalog_item":
            removed = node.get("Rows Removed by Filter", 0)
            removed += node.get("Rows Removed by Index Recheck", 0)
            own = (node["Actual Rows"] + removed) * node["Actual Loops"]
        return own + sum(read(child) for child in node.get("Plans", []))

    total = 0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query)
            total += read(cursor.fetchone()[0][0]["Plan"])
    return total


@pytest.fixture
def synthetic_items(db) -> int:
    """Two thousand synthetic items (analysed, as a load leaves them)."""
    from django.core.management import call_command

    call_command("load_demo", "--synthetic-items", "2000", verbosity=0)
    return (
        Item.objects.filter(bbox_xmax__gte=AREA[0], bbox_xmin__lte=AREA[2])
        .filter(bbox_ymax__gte=AREA[1], bbox_ymin__lte=AREA[3])
        .count()
    )


@pytest.mark.parametrize(
    ("sortby", "paged"),
    [("", False), ("", True), ("datetime", False), ("datetime", True)],
    ids=["newest-first", "newest-first-next-page", "oldest-first", "oldest-first-next-page"],
)
def test_a_page_by_area_in_date_order_reads_about_a_page_of_rows(
    synthetic_items, anonymous, sortby, paged
):
    """Neither reading every match in the area and sorting them (that grows with the
    matches) nor walking the date index and testing each footprint (that grows with
    limit / selectivity, about 100 rows here) but the page's date range first, from the
    area+date GiST in date order (search/datetime_bound.py)."""
    search = ItemSearch(bbox=AREA, sortby=parse_sortby(sortby), limit=10)
    token = item_search(user=anonymous, search=search).next_token if paged else None
    with CaptureQueriesContext(connection) as captured:
        page = item_search(user=anonymous, search=search, token=token)
    assert len(page.items) == 10
    queries = [q["sql"] for q in captured.captured_queries if '"catalog_item"' in q["sql"]]
    assert synthetic_items > 150  # so that reading every match would show
    with transaction.atomic(), connection.cursor() as cursor:
        # A test table is small enough to be read whole: price that out, as at scale.
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert item_rows_read(queries) <= 3 * (search.limit + 1)
