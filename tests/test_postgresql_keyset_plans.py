"""PostgreSQL: a keyset page after a token starts its index walk at the token.

The page query carries a redundant bound on its leading sort key (search/keyset.py) so that
the page after 300,000 items costs what page 1 costs; these tests read PostgreSQL's plan for
that bound. Files named test_postgresql_*.py run in the PostgreSQL run only (tests/conftest.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog_portal.catalog.search import ItemSearch, item_search
from catalog_portal.catalog.search.params import parse_sortby
from tests import test_keyset_paging

# The keyset tests' catalogue (runs of ties, missing values), shared as their fixture.
catalogue = test_keyset_paging.catalogue


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


@pytest.mark.parametrize("sortby", ["", "datetime"])
def test_a_deep_page_reads_the_index_from_the_tokens_datetime_on(catalogue, anonymous, sortby):
    search = ItemSearch(collections=("ties-a",), sortby=parse_sortby(sortby), limit=5)
    token = item_search(user=anonymous, search=search).next_token
    bound = ">=" if sortby == "datetime" else "<="
    plan = page_plan(anonymous, search, token)
    assert f"datetime {bound}" in index_conditions(plan), plan


@pytest.mark.parametrize("sortby", ["eo:cloud_cover", "-eo:cloud_cover"])
def test_a_deep_page_reads_the_index_from_the_tokens_cloud_cover_on(catalogue, anonymous, sortby):
    search = ItemSearch(collections=("ties-a",), sortby=parse_sortby(sortby), limit=3)
    token = item_search(user=anonymous, search=search).next_token
    bound = "<=" if sortby.startswith("-") else ">="
    plan = page_plan(anonymous, search, token)
    assert "item_cloud_cover_number" in plan, plan
    assert f"::numeric END {bound}" in index_conditions(plan), plan
