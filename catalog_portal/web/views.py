"""HTML pages (and the health check). Views read the catalogue only through the access layer."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from catalog_portal.catalog.selectors import catalog_overview


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
