"""CQL2 comparisons of properties respect JSON types, the same on SQLite and PostgreSQL.

A number compares only with numbers, a string only with strings, a boolean only with booleans;
JSON null, a missing property or a value of another type never compare true, and neither does
the negation of such a comparison (SQL's three-valued logic, which CQL2 follows: ``NOT`` of an
unknown comparison is still unknown). ``IS NULL`` is the way to ask for null or missing values.
"""

import json

import cql2
import pytest

from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.queryables import collection_queryables_declare

API = "/api/v1"

# The property "reading" of each item of the collection "mixed" ("missing" has none). Lists and
# objects are there because PostgreSQL orders them around numbers (an empty list before null).
READINGS = {
    "int-3": 3,
    "float-4.5": 4.5,
    "int-10": 10,
    "float-10.0": 10.0,
    "int-minus-2": -2,
    "text-10": "10",
    "text-abc": "abc",
    "text-zeta": "zeta",
    "true": True,
    "false": False,
    "null": None,
    "empty-list": [],
    "list": [1],
    "object": {"a": 1},
}
EVERY = set(READINGS) | {"missing"}
NUMBERS = {"int-3", "float-4.5", "int-10", "float-10.0", "int-minus-2"}


@pytest.fixture
def mixed(make_collection, make_item):
    """Items whose "reading" is a number, a numeric string, a string, a boolean, a list, an
    object, null or missing: no type of it can be derived, so each filter's literal decides."""
    collection = make_collection("mixed")
    for n, (name, value) in enumerate([*READINGS.items(), ("missing", None)]):
        without = ("reading",) if name == "missing" else ()
        make_item(
            collection,
            name,
            datetime=f"2021-09-01T10:{n:02d}:00Z",
            without=without,
            reading=value,
        )
    collection.refresh_from_db()
    assert "reading" not in collection.queryables
    return collection


def found(client, text: str, *, lang: str = "cql2-text", collections: str = "mixed") -> set[str]:
    if lang == "cql2-text":
        params = {"filter": text, "collections": collections, "limit": 100}
        response = client.get(f"{API}/search", params)
    else:
        body = {
            "filter": cql2.parse_text(text).to_json(),
            "filter-lang": "cql2-json",
            "collections": collections.split(","),
            "limit": 100,
        }
        response = client.post(f"{API}/search", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return {feature["id"] for feature in response.json()["features"]}


def refused(client, text: str, *, collections: str = "mixed") -> str:
    params = {"filter": text, "collections": collections}
    response = client.get(f"{API}/search", params)
    assert response.status_code == 400, response.content
    return response.json()["description"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Numbers only with numbers: not "10", not true, not null or missing.
        ("reading < 5", {"int-3", "float-4.5", "int-minus-2"}),
        ("reading <= 10", NUMBERS),
        ("reading > 5", {"int-10", "float-10.0"}),
        ("reading >= 4.5", {"float-4.5", "int-10", "float-10.0"}),
        ("reading = 10", {"int-10", "float-10.0"}),
        ("reading <> 10", {"int-3", "float-4.5", "int-minus-2"}),
        ("reading = 1", set()),
        ("reading = 0", set()),
        ("5 > reading", {"int-3", "float-4.5", "int-minus-2"}),
        ("reading BETWEEN 0 AND 10", {"int-3", "float-4.5", "int-10", "float-10.0"}),
        ("reading IN (3, 10)", {"int-3", "int-10", "float-10.0"}),
        # NOT of a comparison matches the other numbers, never other types, null or missing.
        ("NOT reading < 5", {"int-10", "float-10.0"}),
        ("NOT (reading <> 10)", {"int-10", "float-10.0"}),
        ("NOT reading = 10", {"int-3", "float-4.5", "int-minus-2"}),
        ("NOT (reading BETWEEN 0 AND 5)", {"int-10", "float-10.0", "int-minus-2"}),
        ("NOT reading IN (3, 10)", {"float-4.5", "int-minus-2"}),
        ("NOT (reading < 0 OR reading > 5)", {"int-3", "float-4.5"}),
        ("NOT (reading > 5 AND reading < 20)", {"int-3", "float-4.5", "int-minus-2"}),
        ("NOT (NOT reading < 5)", {"int-3", "float-4.5", "int-minus-2"}),
        ("NOT (reading < 5 AND reading = 'abc')", {"int-10", "float-10.0", "text-10", "text-zeta"}),
        # Null and missing are asked for with IS NULL.
        ("reading IS NULL", {"null", "missing"}),
        ("reading IS NOT NULL", EVERY - {"null", "missing"}),
        ("NOT (reading IS NULL OR reading = 3)", NUMBERS - {"int-3"}),
        # Strings only with strings, ordered by code point on both databases.
        ("reading = '10'", {"text-10"}),
        ("reading < 'm'", {"text-10", "text-abc"}),
        ("reading >= 'b'", {"text-zeta"}),
        ("reading <> 'abc'", {"text-10", "text-zeta"}),
        ("NOT reading = 'abc'", {"text-10", "text-zeta"}),
        ("reading IN ('abc', 'zeta')", {"text-abc", "text-zeta"}),
        ("reading BETWEEN 'a' AND 'b'", {"text-abc"}),
        ("reading LIKE '1%'", {"text-10"}),
        ("NOT reading LIKE 'a%'", {"text-10", "text-zeta"}),
        # Booleans only with booleans (SQLite reads true as 1).
        ("reading = true", {"true"}),
        ("reading = false", {"false"}),
        ("reading <> true", {"false"}),
        ("NOT reading = true", {"false"}),
        ("reading > false", {"true"}),
        # Conditions still combine.
        ("reading > 5 OR reading = 'abc'", {"int-10", "float-10.0", "text-abc"}),
        ("reading >= 3 AND id <> 'int-3'", {"float-4.5", "int-10", "float-10.0"}),
    ],
)
@pytest.mark.parametrize("lang", ["cql2-text", "cql2-json"])
def test_comparisons_match_only_values_of_the_literals_type(client, mixed, text, expected, lang):
    assert found(client, text, lang=lang) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reading = NULL", "IS NULL"),
        ("reading <> NULL", "IS NULL"),
        ("reading IN (3, 'abc')", "one type"),
        ("reading BETWEEN 1 AND 'z'", "one type"),
        ("id = 5", "string"),
    ],
)
def test_comparisons_that_cannot_be_true_are_refused(client, mixed, text, message):
    assert message in refused(client, text)


@pytest.fixture
def typed(make_collection, make_item):
    """Two collections whose queryables declare "reading": a number in one, a string in the
    other (as a source API or an administrator may say)."""
    numbers = make_collection("numbers")
    texts = make_collection("texts")
    for n in range(3):
        make_item(numbers, f"number-{n}", reading=n * 10, **{"eo:cloud_cover": n * 10.5})
        make_item(texts, f"text-{n}", reading=f"r{n}")
    collection_queryables_declare(
        collection=numbers,
        queryables={"reading": {"type": "integer"}, "eo:cloud_cover": {"type": "number"}},
        source=Collection.QueryablesSource.ADMIN,
    )
    collection_queryables_declare(
        collection=texts,
        queryables={"reading": {"type": "string"}},
        source=Collection.QueryablesSource.ADMIN,
    )
    return numbers, texts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("eo:cloud_cover = 'abc'", "eo:cloud_cover takes a number"),
        ("eo:cloud_cover < '5'", "eo:cloud_cover takes a number"),
        ("eo:cloud_cover = true", "eo:cloud_cover takes a number"),
        ("eo:cloud_cover IN (1, 'abc')", "eo:cloud_cover takes a number"),
        ("NOT eo:cloud_cover BETWEEN '1' AND '2'", "eo:cloud_cover takes a number"),
        ("reading = 'r1'", "reading takes a number"),
    ],
)
def test_a_literal_of_another_type_than_the_queryable_declares_is_refused(
    client, typed, text, message
):
    assert message in refused(client, text, collections="numbers")


def test_a_declared_type_still_matches_what_it_declares(client, typed):
    assert found(client, "eo:cloud_cover < 15", collections="numbers") == {"number-0", "number-1"}
    assert found(client, "reading = 'r1'", collections="texts") == {"text-1"}
    assert "reading takes a string" in refused(client, "reading = 10", collections="texts")


def test_collections_that_declare_different_types_leave_the_choice_to_the_literal(client, typed):
    both = "numbers,texts"
    assert found(client, "reading = 'r1'", collections=both) == {"text-1"}
    assert found(client, "reading >= 10", collections=both) == {"number-1", "number-2"}
    # Without collections the visible ones are searched; they disagree as well.
    response = client.get(f"{API}/search", {"filter": "reading = 'r2'"})
    assert {feature["id"] for feature in response.json()["features"]} == {"text-2"}
