"""STAC documents as the API sends them: stored documents with links and hrefs made absolute
for the request's host."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.remote_assets import asset_href_url
from catalog_portal.lib.urls import api_url_build, id_segment, stac_path

GEOJSON = "application/geo+json"
JSON = "application/json"


class Urls:
    """Absolute URLs of the API for one request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.root = api_url_build(absolute=request.build_absolute_uri)

    def api(self, path: str = "") -> str:
        return f"{self.root}/{path}" if path else f"{self.root}/"

    def absolute(self, href: str, *, restricted: bool = False) -> str:
        """Portal-relative hrefs (``/data/...``) become URLs on the request's host, and so do
        a restricted collection's remote files (``catalog/remote_assets.py``)."""
        return asset_href_url(href, restricted=restricted, absolute=self.request.build_absolute_uri)


def collection_document(collection: Collection, urls: Urls) -> dict[str, Any]:
    """A collection with its links."""
    stac = dict(collection.stac)
    own = urls.api(stac_path(collection_id=collection.stac_id))
    kept = [link for link in stac.get("links", []) if link.get("rel") not in _STRUCTURAL]
    stac["links"] = [
        {"rel": "self", "href": own, "type": JSON},
        {"rel": "root", "href": urls.api(), "type": JSON},
        {"rel": "parent", "href": urls.api(), "type": JSON},
        {"rel": "items", "href": f"{own}/items", "type": GEOJSON},
        {
            "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "href": f"{own}/queryables",
            "type": "application/schema+json",
        },
        *kept,
    ]
    return stac


def item_document(item: Item, collection: Collection, urls: Urls) -> dict[str, Any]:
    """An item with its links, and asset hrefs that programs can read."""
    stac = dict(item.stac)
    collection_id = collection.stac_id
    collection_url = urls.api(stac_path(collection_id=collection_id))
    kept = [link for link in stac.get("links", []) if link.get("rel") not in _STRUCTURAL]
    stac["links"] = [
        {
            "rel": "self",
            "href": f"{collection_url}/items/{id_segment(item.stac_id)}",
            "type": GEOJSON,
        },
        {"rel": "parent", "href": collection_url, "type": JSON},
        {"rel": "collection", "href": collection_url, "type": JSON},
        {"rel": "root", "href": urls.api(), "type": JSON},
        *kept,
    ]
    stac["assets"] = {
        key: {**asset, "href": urls.absolute(asset["href"], restricted=collection.is_restricted)}
        for key, asset in (stac.get("assets") or {}).items()
    }
    stac["collection"] = collection_id
    return stac


_STRUCTURAL = {"self", "root", "parent", "collection", "items", "child", "item"}
