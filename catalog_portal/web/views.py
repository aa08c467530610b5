"""HTML pages (and the health check). Views read the catalogue only through the access layer."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from catalog_portal.api.documents import Urls
from catalog_portal.catalog.assets import DATA_HREF_PREFIX
from catalog_portal.catalog.selectors import catalog_overview, visible_item
from catalog_portal.web.metadata import file_size, metadata_groups


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the portal is and its featured collections (GET /)."""
    overview = catalog_overview(user=request.user)
    return render(request, "web/home.html", {"featured": overview.featured})


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """The data catalogue: every collection the visitor may see, by category (GET /catalog/)."""
    overview = catalog_overview(user=request.user)
    return render(request, "web/catalog.html", {"overview": overview})


@require_GET
def item_page(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    """An item over the map, with its metadata and assets (GET /collections/<c>/items/<i>/)."""
    item = visible_item(user=request.user, collection_id=collection_id, item_id=item_id)
    if item is None:
        raise Http404("No such item")
    api_item = Urls(request).api(f"collections/{collection_id}/items/{item_id}")
    assets = [
        {
            "key": key,
            "title": asset.get("title") or key,
            "type": asset.get("type", ""),
            "roles": asset.get("roles", []),
            "size": file_size(asset["file:size"]) if "file:size" in asset else "",
            "href": (
                request.build_absolute_uri(asset["href"])
                if str(asset.get("href", "")).startswith(DATA_HREF_PREFIX)
                else asset.get("href", "")
            ),
        }
        for key, asset in item.assets.items()
    ]
    return render(
        request,
        "web/item.html",
        {
            "item": item,
            "collection": item.collection,
            "groups": metadata_groups(item.properties),
            "assets": assets,
            "stac_url": api_item,
            "geometry": item.geometry,
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the portal can reach its database (GET /healthz)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
