"""The pages' Content-Security-Policy (sent by django-csp): only the portal's own scripts.

A script that an attacker gets into a page (a STAC document's text, a bad link) does not run:
no inline script, no ``javascript:`` URL, no event-handler attribute, no script from elsewhere.
The templates keep to it: scripts and styles are files in static/, data for scripts is
``json_script`` (JSON, not script).
"""

from __future__ import annotations

from urllib.parse import urlsplit

SELF, NONE = "'self'", "'none'"


def basemap_source(*, basemap_tiles: str) -> str | None:
    """The CSP host-source of an XYZ tile URL template (``{s}`` subdomains become ``*.``)."""
    if not basemap_tiles:
        return None
    parts = urlsplit(basemap_tiles.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # a relative template: the tiles come from the portal itself
    return f"{parts.scheme}://{parts.netloc}"


def csp_directives(*, basemap_tiles: str) -> dict[str, list[str]]:
    """The policy's directives, with the basemap's host (BASEMAP_TILES) for its tiles."""
    basemap = [source] if (source := basemap_source(basemap_tiles=basemap_tiles)) else []
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        # MapLibre GL JS starts its web workers from a blob: URL (its UMD build inlines them).
        "worker-src": [SELF, "blob:"],
        # MapLibre fetches tiles (the basemap's and /tiles) and decodes them into blob: images;
        # its CSS and Swagger UI's draw icons as data: URLs.
        "img-src": [SELF, "data:", "blob:", *basemap],
        "connect-src": [SELF, *basemap],
        "style-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        # The login form posts here; single sign-on leaves by a link, not a form.
        "form-action": [SELF],
    }
