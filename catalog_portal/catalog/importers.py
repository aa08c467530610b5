"""Reading STAC from elsewhere: a STAC API (pystac-client) or a static catalog, collection or
item (pystac). Yields plain dicts for ``ingest`` to write; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pystac
from pystac.utils import make_absolute_href
from pystac_client import Client
from pystac_client.conformance import ConformanceClasses
from pystac_client.exceptions import APIError

# Links that describe where a document sat in its source catalogue; the portal makes its own.
STRUCTURAL_LINKS = {
    "self",
    "root",
    "parent",
    "child",
    "item",
    "collection",
    "items",
    "next",
    "prev",
}


class SourceError(Exception):
    """The source cannot be read; the message says why."""


@dataclass
class SourceCollection:
    """One collection of a source and an iterator over its items' documents.

    ``stac`` is None when the source has items but not their collection's document (a lone
    item file): then the items go into the existing collection ``collection_id``.
    """

    collection_id: str
    stac: dict[str, Any] | None
    items: Iterator[dict[str, Any]]


def stac_source_read(
    *,
    source: str,
    collections: list[str] | None = None,
    bbox: list[float] | None = None,
    datetime: str | None = None,
    max_items: int | None = None,
) -> Iterator[SourceCollection]:
    """The collections (with their items) of a STAC API URL or a static STAC file or URL.

    ``bbox`` and ``datetime`` are passed to the API's search, so they apply to APIs only;
    ``max_items`` caps the items across all collections.
    """
    is_url = source.startswith(("http://", "https://"))
    if not is_url and not Path(source).exists():
        raise SourceError(f"{source}: no such file")
    try:
        document = pystac.StacIO.default().read_json(source)
    except FileNotFoundError:
        raise SourceError(f"{source}: no such file") from None
    except Exception as error:  # urllib, JSON and OS errors all mean "cannot read this"
        raise SourceError(f"{source}: cannot be read ({error})") from None
    if not isinstance(document, dict) or "type" not in document:
        raise SourceError(f"{source}: not a STAC document (no 'type')")

    if is_url and "conformsTo" in document:
        yield from _limited(
            _api_collections(source, collections, bbox, datetime, max_items), max_items
        )
        return
    if bbox is not None or datetime is not None:
        raise SourceError("--bbox and --datetime apply to STAC APIs; this source is a static file.")
    yield from _limited(_static_collections(source, collections), max_items)


def _limited(
    sources: Iterable[SourceCollection], max_items: int | None
) -> Iterator[SourceCollection]:
    """Cap the items of all collections together at ``max_items``."""
    if max_items is None:
        yield from sources
        return
    remaining = [max_items]

    def counted(items: Iterator[dict]) -> Iterator[dict]:
        for item in items:
            if remaining[0] <= 0:
                return
            remaining[0] -= 1
            yield item

    for source in sources:
        if remaining[0] <= 0:
            return
        yield SourceCollection(source.collection_id, source.stac, counted(source.items))


def _api_collections(
    url: str,
    wanted: list[str] | None,
    bbox: list[float] | None,
    datetime: str | None,
    max_items: int | None,
) -> Iterator[SourceCollection]:
    try:
        client = Client.open(url)
        if not client.conforms_to(ConformanceClasses.ITEM_SEARCH):
            raise SourceError(f"{url}: the API does not offer item search")
        available = {collection.id: collection for collection in client.get_collections()}
    except APIError as error:
        raise SourceError(f"{url}: the STAC API answered with an error ({error})") from None
    unknown = sorted(set(wanted or []) - set(available))
    if unknown:
        raise SourceError(f"{url}: no collection {', '.join(unknown)}")
    for collection_id in wanted or sorted(available):
        collection = available[collection_id]
        try:
            search = client.search(
                collections=[collection_id], bbox=bbox, datetime=datetime, max_items=max_items
            )
        except (APIError, ValueError) as error:
            raise SourceError(f"search parameters refused: {error}") from None
        yield SourceCollection(collection_id, _portable(collection.to_dict()), _api_items(search))


def _api_items(search) -> Iterator[dict]:
    try:
        # items_as_dicts() keeps each document as the API sent it, paging through next links.
        yield from search.items_as_dicts()
    except APIError as error:
        raise SourceError(f"the STAC API failed while paging ({error})") from None


def _static_collections(source: str, wanted: list[str] | None) -> Iterator[SourceCollection]:
    try:
        root = pystac.read_file(source)
    except pystac.STACTypeError as error:
        raise SourceError(f"{source}: not a STAC catalog, collection or item ({error})") from None
    if isinstance(root, pystac.Item):
        yield _single_item(root, wanted)
        return
    collections = (
        [root] if isinstance(root, pystac.Collection) else list(root.get_all_collections())
    )
    if wanted:
        missing = sorted(set(wanted) - {c.id for c in collections})
        if missing:
            raise SourceError(f"{source}: no collection {', '.join(missing)}")
        collections = [c for c in collections if c.id in wanted]
    for collection in collections:
        stac = _portable(collection.to_dict(include_self_link=False))
        yield SourceCollection(collection.id, stac, _static_items(collection))


def _static_items(catalog: pystac.Catalog) -> Iterator[dict]:
    """The raw documents of a catalog's items, through sub-catalogs that are not collections.

    pystac finds the files, but the documents are read as written: pystac's objects would
    quietly repair them (a naive datetime becomes UTC), hiding what the import must report.
    """
    for link in catalog.get_links(pystac.RelType.ITEM):
        yield _static_item(link.get_absolute_href())
    for child in catalog.get_children():
        if not isinstance(child, pystac.Collection):
            yield from _static_items(child)


def _single_item(item: pystac.Item, wanted: list[str] | None) -> SourceCollection:
    document = _static_item(item.get_self_href())
    collection = item.get_collection()
    if collection is not None:
        stac = _portable(collection.to_dict(include_self_link=False))
        return SourceCollection(collection.id, stac, iter([document]))
    collection_id = (wanted or [item.collection_id])[0]
    if not collection_id:
        raise SourceError(f"item {item.id} names no collection; give one with --collection")
    return SourceCollection(collection_id, None, iter([document]))


def _static_item(href: str) -> dict:
    document = pystac.StacIO.default().read_json(href)
    # Relative asset hrefs point next to the source file; once stored in the database there is
    # no file to be relative to, so they are resolved against the item's own location now.
    for asset in (document.get("assets") or {}).values():
        if isinstance(asset, dict) and isinstance(asset.get("href"), str):
            asset["href"] = make_absolute_href(asset["href"], href)
    return _portable(document)


def _portable(document: dict) -> dict:
    """``document`` without the links that only made sense inside its source catalogue."""
    links = [link for link in document.get("links", []) if link.get("rel") not in STRUCTURAL_LINKS]
    return {**document, "links": links}
