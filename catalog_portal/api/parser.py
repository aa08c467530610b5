"""The API's JSON body parser: bounded before ``json.loads`` (which recurses) sees it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.exceptions import InvalidParameter


class BoundedJsonParser(Parser):
    """Bodies are JSON objects within the nesting limit, with no NUL or lone surrogate."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameter("body", "is not UTF-8 text") from None
        document = limits.json_text_parse(text, parameter="body")
        if not isinstance(document, dict):
            # Before, a body of 0 or [] was taken as an empty search.
            raise InvalidParameter("body", "must be a JSON object")
        return document
