"""Tile server URLs for templates, from the one helper that spells them (``lib/urls.py``)."""

from __future__ import annotations

from django import template

from catalog_portal.lib.urls import item_tiles_path_build

register = template.Library()


@register.simple_tag
def item_tiles_path(collection_id: str, item_id: str, path: str) -> str:
    """``{% item_tiles_path collection item "preview/480x270.png" %}``: a path below an item of
    the tile server."""
    return item_tiles_path_build(collection_id=collection_id, item_id=item_id, path=path)
