"""Keyset paging through /api/v1/search: next links to the end and prev links back to the
start return every item exactly once, in the order of one big page, for every sort key and
direction, across runs of ties and the boundary to items that lack the sort property."""

import copy
from urllib.parse import urlencode

import pytest

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Item
from tests.conftest import read_json

SEARCH = "/api/v1/search"


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


# Every item's footprint lies in this box: a search by area reads its pages in date order
# another way on PostgreSQL (search/datetime_bound.py) and must page the same.
AREAS = ["", "14.9,46.9,15.2,47.2"]


@pytest.mark.parametrize("area", AREAS, ids=["everywhere", "in-a-box"])
@pytest.mark.parametrize("sortby", SORTS)
def test_next_and_prev_links_walk_every_item_once_in_order(client, catalogue, sortby, area):
    where = {"bbox": area} if area else {}
    everything = keys_of(client.get(SEARCH, {"sortby": sortby, "limit": 100, **where}).json())
    assert len(everything) == len(set(everything)) == 34
    for limit in (2, 3):
        pages, url = [], f"{SEARCH}?{urlencode({'sortby': sortby, 'limit': limit, **where})}"
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


@pytest.mark.parametrize("sortby", ["eo:cloud_cover", "-eo:cloud_cover"])
def test_a_cloud_cover_sort_puts_numbers_in_order_then_every_non_number(client, catalogue, sortby):
    """JSON null, a missing value, the string "10" and true all sort as null: last in either
    direction (the order the cloud-cover index holds)."""
    features = client.get(SEARCH, {"sortby": sortby, "limit": 100}).json()["features"]
    covers = [feature["properties"].get("eo:cloud_cover") for feature in features]
    numbers = [c for c in covers if isinstance(c, int | float) and not isinstance(c, bool)]
    assert covers[: len(numbers)] == sorted(numbers, reverse=sortby.startswith("-"))
    rest = covers[len(numbers) :]
    assert len(rest) == 34 - len(numbers) and {"10", True, None} <= set(rest), covers
