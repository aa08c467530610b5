"""The pages' Content-Security-Policy (sent by django-csp): only the portal's own scripts.

A script that an attacker gets into a page (a STAC document's text, a bad link) does not run:
no inline script, no ``javascript:`` URL, no event-handler attribute, no script from elsewhere.
The templates keep to it: scripts and styles are files in static/, data for scripts is
``json_script`` (JSON, not script).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SELF, NONE = "'self'", "'none'"

# An origin (``https://thumbs.example.org``, ``https://*.example.org:8443``) or ``https:`` for
# any HTTPS host; nothing that could end the directive or add a keyword ('unsafe-inline').
_IMAGE_HOST = re.compile(r"^(https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d+|\*))?|https:)$")


def basemap_source(*, basemap_tiles: str) -> str | None:
    """The CSP host-source of an XYZ tile URL template (``{s}`` subdomains become ``*.``)."""
    if not basemap_tiles:
        return None
    parts = urlsplit(basemap_tiles.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # a relative template: the tiles come from the portal itself
    return f"{parts.scheme}://{parts.netloc}"


def csp_directives(*, basemap_tiles: str, image_hosts: list[str] = ()) -> dict[str, list[str]]:
    """The policy's directives, with the basemap's host (BASEMAP_TILES) for its tiles and
    ``image_hosts`` (CSP_IMAGE_HOSTS) for thumbnails and description images kept elsewhere."""
    for host in image_hosts:
        if not _IMAGE_HOST.match(host):
            raise ValueError(
                f"CSP_IMAGE_HOSTS: {host!r} is not an origin such as https://thumbs.example.org"
            )
    basemap = [source] if (source := basemap_source(basemap_tiles=basemap_tiles)) else []
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        # MapLibre GL JS starts its web workers from a blob: URL (its UMD build inlines them).
        "worker-src": [SELF, "blob:"],
        # MapLibre fetches tiles (the basemap's and /tiles) and decodes them into blob: images;
        # its CSS and Swagger UI's draw icons as data: URLs.
        "img-src": [SELF, "data:", "blob:", *basemap, *image_hosts],
        "connect-src": [SELF, *basemap],
        "style-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        # The login form posts here; single sign-on leaves by a link, not a form.
        "form-action": [SELF],
    }
