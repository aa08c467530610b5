"""Where the STAC API and the tile server live, and their URLs: the one place that spells
``/api/v1`` and ``/tiles`` for pages, the API's links, snippets and the gallery.

``absolute`` is a request's ``build_absolute_uri``: with it the URL is on the request's host
(for programs that copy it), without it a path (for the portal's own pages).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

API_PATH = "/api/v1"  # catalog_portal/urls.py mounts the ninja API here
TILES_PATH = "/tiles"  # catalog_portal/asgi.py dispatches this prefix to the tile app

Absolute = Callable[[str], str]


def path_is_api(path: str) -> bool:
    """Whether ``path`` is the STAC API's (any version): its errors answer in JSON."""
    return path.startswith("/api/")


def api_url_build(*, path: str = "", absolute: Absolute | None = None) -> str:
    """The STAC API's root (``/api/v1``, no trailing slash) or ``path`` below it."""
    url = f"{API_PATH}/{path}" if path else API_PATH
    return absolute(url) if absolute else url


def tiles_url_build(*, path: str, absolute: Absolute | None = None) -> str:
    """``path`` (e.g. ``searches/<id>/info``) below the tile server."""
    url = f"{TILES_PATH}/{path}"
    return absolute(url) if absolute else url


def id_segment(stac_id: str) -> str:
    """A STAC id as one URL path segment: percent-encoded, ``/`` included, since ids may hold
    any character (stac-spec's own example item is ``half-moon-bay/video-2018-01-01-0001``)."""
    return quote(stac_id, safe="")


def stac_path(*, collection_id: str, item_id: str | None = None) -> str:
    """``collections/<id>`` or ``collections/<id>/items/<id>``, ids percent-encoded: the
    path of a collection or an item below the STAC API and the tile server alike."""
    path = f"collections/{id_segment(collection_id)}"
    return f"{path}/items/{id_segment(item_id)}" if item_id is not None else path


def item_tiles_path_build(*, collection_id: str, item_id: str, path: str) -> str:
    """``path`` below an item of the tile server (ids percent-encoded as one segment each)."""
    return tiles_url_build(path=f"{stac_path(collection_id=collection_id, item_id=item_id)}/{path}")
