"""What the OpenAPI document says each operation answers: its document and every error,
in the one error shape, so that clients and fuzzers know them (schemathesis checks them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Schema

from catalog_portal.catalog.search import limits


class Error(Schema):
    """Every error the API answers: a code and a description a person can act on."""

    code: str
    description: str


ERRORS = {
    400: "A parameter is invalid or over its limit; the description names it and the limit.",
    401: "The Authorization header's token names nobody (unknown or revoked).",
    404: "The collection, item or file does not exist, or the caller may not see it.",
    503: "The database is unavailable or the request took too long; try again later.",
}

# The limits, as the search parameters' descriptions and the README's "Limits" state them.
LIMIT = (
    f"Items per page, 1 to {limits.MAX_LIMIT} (default 10); "
    f"a larger value is served as {limits.MAX_LIMIT}."
)
IDS = f"Item ids, at most {limits.MAX_IDS}."
SORTBY = f"Sort fields, at most {limits.MAX_SORT_KEYS}."
COLLECTIONS = f"Collection ids, at most {limits.MAX_COLLECTIONS}."
INTERSECTS = f"A valid GeoJSON geometry of at most {limits.MAX_VERTICES} vertices."
FILTER = (
    f"A CQL2 filter (text or JSON): at most {limits.MAX_FILTER_CHARS} characters, "
    f"{limits.MAX_FILTER_DEPTH} levels of parentheses and NOTs, "
    f"{limits.MAX_FILTER_NODES} terms; "
    f"JSON at most {limits.MAX_JSON_DEPTH} levels deep."
)
TOKEN = "A page token from a next or prev link; any other is refused."
BODY = (
    f"A JSON object of at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes, "
    f"{limits.MAX_JSON_DEPTH} levels deep; "
    f"the query string is at most {limits.MAX_QUERY_STRING} characters."
)


def documented(media_type: str, *, not_found: bool = False) -> dict[str, Any]:
    """Decorator arguments for an operation whose 200 is a ``media_type`` document and which
    answers the errors above (404 when ``not_found``)."""
    statuses = [status for status in ERRORS if not_found or status != 404]
    return {
        "response": dict.fromkeys(statuses, Error),
        "openapi_extra": {
            "responses": {
                200: {
                    "description": "OK",
                    "content": {media_type: {"schema": {"type": "object"}}},
                },
                **{status: {"description": ERRORS[status]} for status in statuses},
            }
        },
    }
