"""Search results as a STAC ItemCollection, with next/prev links that carry keyset tokens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse

from catalog_portal.api.documents import GEOJSON, JSON, Urls, item_document
from catalog_portal.api.fields_extension import apply_fields
from catalog_portal.catalog.search import ItemPage


def item_collection_response(
    request: HttpRequest,
    page: ItemPage,
    *,
    fields: tuple[set[str], set[str]] | None,
    post_body: dict[str, Any] | None = None,
) -> JsonResponse:
    """The page as GeoJSON; GET pages link by query string, POST pages by body."""
    urls = Urls(request)
    features = [
        apply_fields(item_document(item, page.collections[item.collection_id], urls), fields)
        for item in page.items
    ]
    links = [
        {"rel": "self", "href": request.build_absolute_uri(), "type": GEOJSON},
        {"rel": "root", "href": urls.api(), "type": JSON},
    ]
    for rel, token in (("next", page.next_token), ("prev", page.prev_token)):
        if token is None:
            continue
        if post_body is None:
            query = {key: value for key, value in request.GET.items() if key != "token"}
            href = (
                request.build_absolute_uri(request.path)
                + "?"
                + urlencode({**query, "token": token})
            )
            links.append({"rel": rel, "href": href, "type": GEOJSON, "method": "GET"})
        else:
            body = {**post_body, "token": token}
            links.append(
                {
                    "rel": rel,
                    "href": request.build_absolute_uri(request.path),
                    "type": GEOJSON,
                    "method": "POST",
                    "body": body,
                    "merge": False,
                }
            )
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "numberReturned": len(features),
    }
    if page.number_matched is not None:
        document["numberMatched"] = page.number_matched
    return JsonResponse(document, content_type=GEOJSON)
