"""What every page's template needs: the map's basemap settings."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Template context for all pages (the maps read the basemap from here)."""
    return {
        "basemap": {"tiles": settings.BASEMAP_TILES, "attribution": settings.BASEMAP_ATTRIBUTION}
    }
