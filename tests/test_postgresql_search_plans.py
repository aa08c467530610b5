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
from catalog_portal.catalog.search.cql2_filter import filter_condition, filter_parse
from catalog_portal.catalog.search.params import parse_sortby


@pytest.fixture
def two_collections(make_collection, make_item):
    for name in ("first", "second"):
        collection = make_collection(name)
        for n in range(3):
            make_item(collection, f"{name}-{n}", **{"eo:cloud_cover": float(n * 10)})


def page_plan(user, search: ItemSearch, *, avoid: tuple[str, ...] = ("seqscan", "sort")) -> str:
    """The plan of the query that reads the (first stretch of the) page of ``search``, with
    the plan methods ``avoid`` names priced out."""
    with CaptureQueriesContext(connection) as captured:
        page = item_search(user=user, search=search)
    assert page.items
    query = next(
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "catalog_item".')
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for method in avoid:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + query)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_sorts(plan: str) -> list[str]:
    """The plan's sorts of every row it reads; an Incremental Sort of the index's runs of
    equal cloud cover (by the tiebreakers) is not one."""
    return [
        line
        for line in plan.splitlines()
        if "Sort" in line
        and "Incremental" not in line
        and "Sort Key" not in line
        and "Presorted Key" not in line
    ]


@pytest.mark.parametrize(
    ("sortby", "scan"),
    [
        ("eo:cloud_cover", "Index Scan using"),
        ("-properties.eo:cloud_cover", "Index Scan Backward using"),
    ],
)
def test_a_cloud_cover_sort_across_collections_walks_its_index(
    two_collections, anonymous, sortby, scan
):
    plan = page_plan(anonymous, ItemSearch(sortby=parse_sortby(sortby)))
    assert f"{scan} item_cloud_cover_number" in plan, plan
    assert not full_sorts(plan), plan


def test_a_cloud_cover_sort_within_one_collection_walks_the_same_index(two_collections, anonymous):
    search = ItemSearch(collections=("second",), sortby=parse_sortby("-eo:cloud_cover"))
    plan = page_plan(anonymous, search)
    assert "Index Scan Backward using item_cloud_cover_number" in plan, plan
    assert not full_sorts(plan), plan


@pytest.mark.parametrize(
    "text", ["eo:cloud_cover < 0.05", "eo:cloud_cover >= 15", "eo:cloud_cover BETWEEN 5 AND 15"]
)
def test_a_cloud_cover_comparison_is_a_range_of_its_index(two_collections, text):
    """A number comparison compares the number the index holds, so it is an index condition.
    (On a table this small a search itself reads its collections' few items by collection;
    bench/search.py measures ``eo:cloud_cover < 0.05`` at a million items.)"""
    condition = filter_condition(cql(text), collections={"first", "second"})
    query, params = Item.objects.filter(condition).order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "item_cloud_cover_number" in plan, plan
    assert "Index Cond: ((CASE WHEN" in plan or "Index Cond: (CASE WHEN" in plan, plan


def cql(text: str) -> dict:
    return filter_parse(text, "cql2-text")


def test_a_bulk_load_keeps_every_item_index_and_its_statistics_target(db):
    """A synthetic load larger than the table drops the item indexes and builds them again
    (demo/synthetic.py), with the statistics targets their columns had (none of them sets
    one since migration 0017, but a target set by hand stays)."""
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

    with connection.cursor() as cursor:
        cursor.execute("ALTER INDEX item_cloud_cover_number ALTER COLUMN 1 SET STATISTICS 500")
    before = indexes()
    assert ("item_cloud_cover_number", 1, 500) in before
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
