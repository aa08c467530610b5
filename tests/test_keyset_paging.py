"""Keyset paging through /api/v1/search: next links to the end and prev links back to the
start return every item exactly once, in the order of one big page, for every sort key and
direction, across runs of ties and the boundary to items that lack the sort property."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Item
from catalog_portal.catalog.search import ItemSearch, item_search
from catalog_portal.catalog.search.params import parse_sortby
from tests.conftest import read_json

SEARCH = "/api/v1/search"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads a PostgreSQL query plan"
)


def item_stacs(collection_id: str, count: int) -> list[dict]:
    """``count`` items in runs of ties: three share each datetime, seven share cloud cover 10,
    every fifth lacks it, and a few carry a string, a boolean or JSON null where others
    carry numbers."""
    template = read_json("stac/item.json")
    stacs = []
    for n in range(count):
        stac = copy.deepcopy(template)
        stac["id"] = f"item-{n % 20:02d}"  # ids repeat across the two collections
        stac["collection"] = collection_id
        properties = stac["properties"]
        properties["datetime"] = f"2021-09-{1 + n // 3:02d}T10:00:00Z"
        if n % 5 == 4:
            del properties["eo:cloud_cover"]
        elif n < 7:
            properties["eo:cloud_cover"] = 10
        elif n == 11:
            properties["eo:cloud_cover"] = "10"
        elif n == 13:
            properties["eo:cloud_cover"] = True
        elif n == 17:
            properties["eo:cloud_cover"] = None
        else:
            properties["eo:cloud_cover"] = float(n % 4) * 7.5
        stacs.append(stac)
    return stacs


@pytest.fixture
def catalogue(make_collection):
    """Two collections whose items share ids and datetimes, so that every tiebreaker counts."""
    for stac_id, count in (("ties-a", 20), ("ties-b", 14)):
        collection = make_collection(stac_id)
        report = items_upsert(collection=collection, stacs=item_stacs(stac_id, count))
        assert not report.invalid, report.invalid
    assert Item.objects.count() == 34


def keys_of(document: dict) -> list[tuple[str, str]]:
    return [(feature["collection"], feature["id"]) for feature in document["features"]]


def link(document: dict, rel: str) -> str | None:
    return next((x["href"] for x in document["links"] if x["rel"] == rel), None)


SORTS = [
    "",
    "datetime",
    "-datetime",
    "id",
    "-id",
    "eo:cloud_cover",
    "-eo:cloud_cover",
    "eo:cloud_cover,-id",
    "-eo:cloud_cover,+id,collection",
    "id,-eo:cloud_cover",
]


@pytest.mark.parametrize("sortby", SORTS)
def test_next_and_prev_links_walk_every_item_once_in_order(client, catalogue, sortby):
    everything = keys_of(client.get(SEARCH, {"sortby": sortby, "limit": 100}).json())
    assert len(everything) == len(set(everything)) == 34
    for limit in (2, 3):
        pages, url = [], f"{SEARCH}?sortby={sortby}&limit={limit}"
        while url and len(pages) <= len(everything):  # a wrong token could loop forever
            document = client.get(url).json()
            pages.append(keys_of(document))
            url = link(document, "next")
        assert [key for page in pages for key in page] == everything, f"forward, limit {limit}"

        back, url = [], link(document, "prev")
        while url and len(back) <= len(everything):
            document = client.get(url).json()
            back.insert(0, keys_of(document))
            url = link(document, "prev")
        assert back == pages[:-1], f"backward, limit {limit}"


def page_plan(anonymous, search: ItemSearch, token: str) -> str:
    """PostgreSQL's plan for the page query after ``token``, when it reads the order from an
    index. On a table this small the planner would rather read rows by collection and sort
    them, which says nothing about a million rows; with sequential scans, bitmap scans and
    sorts off (for this transaction only) it must walk an index in the page's order, and the
    question is whether the token gives that walk a bound to start from."""
    with connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        with CaptureQueriesContext(connection) as queries:
            item_search(user=anonymous, search=search, token=token)
        page_query = next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "catalog_item".')
        )
        cursor.execute(f"EXPLAIN {page_query}")
        return "\n".join(row[0] for row in cursor.fetchall())


def index_conditions(plan: str) -> str:
    return "\n".join(line for line in plan.splitlines() if "Index Cond" in line)


@postgresql_only
@pytest.mark.parametrize("sortby", ["", "datetime"])
def test_a_deep_page_reads_the_index_from_the_tokens_datetime_on(catalogue, anonymous, sortby):
    search = ItemSearch(collections=("ties-a",), sortby=parse_sortby(sortby), limit=5)
    token = item_search(user=anonymous, search=search).next_token
    bound = ">=" if sortby == "datetime" else "<="
    plan = page_plan(anonymous, search, token)
    assert f"datetime {bound}" in index_conditions(plan), plan


@postgresql_only
@pytest.mark.parametrize("sortby", ["eo:cloud_cover", "-eo:cloud_cover"])
def test_a_deep_page_reads_the_index_from_the_tokens_cloud_cover_on(catalogue, anonymous, sortby):
    search = ItemSearch(collections=("ties-a",), sortby=parse_sortby(sortby), limit=3)
    token = item_search(user=anonymous, search=search).next_token
    bound = "<=" if sortby.startswith("-") else ">="
    plan = page_plan(anonymous, search, token)
    assert f"eo:cloud_cover}}'::text[]) {bound}" in index_conditions(plan), plan
