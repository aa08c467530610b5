"""What every page's template needs: the map's basemap settings, whether single sign-on is on."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Template context for all pages (the maps read the basemap from here)."""
    return {
        "basemap": {"tiles": settings.BASEMAP_TILES, "attribution": settings.BASEMAP_ATTRIBUTION},
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
