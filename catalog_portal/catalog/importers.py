"""Reading STAC from elsewhere: a STAC API (pystac-client) or static files (a catalog, collection,
item, FeatureCollection/ItemCollection or newline-delimited items, any STAC version pystac can
migrate). Yields plain dicts for ``ingest`` to write; nothing here touches the database.

The source is untrusted: documents are fetched only inside its scope (``stac_fetch``), ``root``,
``self`` and ``parent`` links are never followed (files saved from live APIs name the API), and
a document that cannot be read is reported and skipped, the rest imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from packaging.version import InvalidVersion, Version
from pystac.serialization import identify_stac_object, migrate_to_latest
from pystac_client import Client
from pystac_client.conformance import ConformanceClasses
from pystac_client.exceptions import APIError
from pystac_client.stac_api_io import StacApiIO

from catalog_portal.catalog.import_hrefs import item_assets_localize
from catalog_portal.catalog.import_report import ImportReport
from catalog_portal.catalog.stac_fetch import (
    REMOTE_SCHEMES,
    LinkRefused,
    SourceScope,
    document_bytes,
    href_join,
    scoped_session,
)

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
MAX_DEPTH = 32  # nested catalogs followed at most


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
    # A source API's own /queryables of the collection, when it links them (as sent).
    queryables: Any = None


@dataclass
class ReadLimits:
    """What one import may read: its scope's widening and its size and count limits."""

    allow_hosts: list[str] = field(default_factory=list)
    allow_paths: list[str] = field(default_factory=list)
    max_document_bytes: int = 64 * 1024 * 1024
    max_documents: int = 1_000_000


def source_identity(source: str) -> str:
    """What a collection's source is recorded as: an API's URL, or the folder of static files
    (a collection and its items saved side by side are one source)."""
    if urlsplit(source).scheme in REMOTE_SCHEMES:
        return source.rstrip("/") if _looks_like_api(source) else urljoin(source, ".")
    return str(Path(source).resolve().parent)


def _looks_like_api(source: str) -> bool:
    return not source.lower().endswith((".json", ".geojson", ".ndjson", ".jsonl"))


def stac_source_read(
    *,
    source: str,
    report: ImportReport,
    collections: list[str] | None = None,
    bbox: list[float] | None = None,
    datetime: str | None = None,
    max_items: int | None = None,
    limits: ReadLimits | None = None,
) -> list[SourceCollection]:
    """The collections (items read lazily) of a STAC API URL or a static STAC file or URL.

    ``bbox`` and ``datetime`` are passed to the API's search, so they apply to APIs only;
    ``max_items`` caps the items across all collections.
    """
    limits = limits or ReadLimits()
    scope = SourceScope.of(
        source,
        allow_hosts=limits.allow_hosts,
        allow_paths=limits.allow_paths,
        max_bytes=limits.max_document_bytes,
    )
    reader = _StaticReader(scope, report, limits.max_documents)
    is_url = urlsplit(source).scheme in REMOTE_SCHEMES
    if not is_url and not urlsplit(source).scheme:
        source = str(Path(source).absolute())
    try:
        document = reader.document(source)
    except LinkRefused as error:
        reason = str(error)
        if "No such file" in reason:
            reason = "no such file"
        raise SourceError(f"{source}: {reason}") from None

    if is_url and "conformsTo" in document:
        found = _api_collections(source, scope, report, collections, bbox, datetime, max_items)
    elif bbox is not None or datetime is not None:
        raise SourceError("--bbox and --datetime apply to STAC APIs; this source is a static file.")
    else:
        found = reader.collections(document, source, collections)
    return _limited(found, max_items)


def _limited(sources: list[SourceCollection], max_items: int | None) -> list[SourceCollection]:
    """Cap the items of all collections together at ``max_items``."""
    if max_items is None:
        return sources
    remaining = [max_items]

    def counted(items: Iterator[dict]) -> Iterator[dict]:
        for item in items:
            if remaining[0] <= 0:
                return
            remaining[0] -= 1
            yield item

    return [
        SourceCollection(s.collection_id, s.stac, counted(s.items), s.queryables) for s in sources
    ]


# --- STAC APIs ------------------------------------------------------------------------------


def _api_collections(
    url: str,
    scope: SourceScope,
    report: ImportReport,
    wanted: list[str] | None,
    bbox: list[float] | None,
    datetime: str | None,
    max_items: int | None,
) -> list[SourceCollection]:
    stac_io = StacApiIO()
    # pystac-client follows the API's own links (collections, next pages): the scoped
    # session keeps them on the API's host and bounds each response.
    stac_io.session = scoped_session(scope)
    try:
        client = Client.open(url, stac_io=stac_io)
        if not client.conforms_to(ConformanceClasses.ITEM_SEARCH):
            raise SourceError(f"{url}: the API does not offer item search")
        available = {collection.id: collection for collection in client.get_collections()}
    except (APIError, LinkRefused) as error:
        raise SourceError(f"{url}: the STAC API could not be read: {error}") from None
    unknown = sorted(set(wanted or []) - set(available))
    if unknown:
        raise SourceError(f"{url}: no collection {', '.join(unknown)}")
    found = []
    for collection_id in wanted or sorted(available):
        try:
            search = client.search(
                collections=[collection_id], bbox=bbox, datetime=datetime, max_items=max_items
            )
        except (APIError, ValueError) as error:
            raise SourceError(f"search parameters refused: {error}") from None
        document = available[collection_id].to_dict()
        queryables = _api_queryables(document, stac_io.session, report)
        stac = _portable(document)
        items = _api_items(search, url, report)
        found.append(SourceCollection(collection_id, stac, items, queryables))
    return found


QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def _api_queryables(collection: dict, session, report: ImportReport) -> Any:
    """The collection's own /queryables, read through the scoped session when the collection
    links them; None when it does not, or they cannot be read (reported)."""
    link = next(
        (link for link in collection.get("links", []) if link.get("rel") == QUERYABLES_REL), None
    )
    if link is None or not isinstance(link.get("href"), str):
        return None
    try:
        response = session.get(link["href"], headers={"Accept": "application/schema+json"})
        response.raise_for_status()
        return response.json()
    except (LinkRefused, requests.RequestException, ValueError) as error:
        report.link_skipped(link["href"], f"queryables not read: {error}")
        return None


def _api_items(search, url: str, report: ImportReport) -> Iterator[dict]:
    try:
        # items_as_dicts() keeps each document as the API sent it, paging through next links.
        for document in search.items_as_dicts():
            yield _item_prepared(document, _self_href(document) or url, report)
    except (APIError, LinkRefused) as error:
        report.link_skipped(f"{url} (search)", f"paging stopped: {error}")


def _self_href(document: dict) -> str | None:
    for link in document.get("links") or []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and isinstance(link.get("href"), str)
        ):
            if urlsplit(link["href"]).scheme in REMOTE_SCHEMES:
                return link["href"]
    return None


# --- static files ---------------------------------------------------------------------------


@dataclass
class _Found:
    """A collection met while walking a static source: its document and its items."""

    stac: dict
    item_hrefs: list[str] = field(default_factory=list)
    loose: list[dict] = field(default_factory=list)  # items found elsewhere that name it


class _StaticReader:
    """Walks a static source's child and item links, inside its scope, counting documents."""

    def __init__(self, scope: SourceScope, report: ImportReport, max_documents: int) -> None:
        self.scope = scope
        self.report = report
        self.max_documents = max_documents
        self.session = scoped_session(scope)
        self.read_count = 0
        self.walked: set[str] = set()

    def document(self, href: str) -> dict:
        """The document at ``href``, parsed and migrated to the current STAC version;
        newline-delimited items come as a FeatureCollection (raises LinkRefused)."""
        self.read_count += 1
        if self.read_count > self.max_documents:
            raise LinkRefused(f"more than {self.max_documents} documents (--max-documents)")
        data = document_bytes(href, scope=self.scope, session=self.session)
        document = _parsed(data)
        if document.get("type") == "FeatureCollection":
            features = document.get("features")
            if not isinstance(features, list):
                raise LinkRefused("a FeatureCollection without a list of features")
            return {**document, "features": [_migrated(f) for f in features]}
        return _migrated(document)

    def collections(
        self, root: dict, href: str, wanted: list[str] | None
    ) -> list[SourceCollection]:
        found: dict[str, _Found] = {}
        loose: list[dict] = []
        kind = root.get("type")
        if kind == "Feature":
            self._lone_item_collection(root, href, found)
            loose.append(_item_prepared(root, href, self.report))
        elif kind == "FeatureCollection":
            loose.extend(
                _item_prepared(f, href, self.report)
                for f in root["features"]
                if isinstance(f, dict)
            )
        elif kind in ("Catalog", "Collection"):
            self._walk(root, href, None, found, loose, depth=0)
        else:
            raise SourceError(f"{href}: not a STAC catalog, collection or item")
        groups = self._loose_grouped(loose, found, wanted)
        if wanted:
            missing = sorted(set(wanted) - set(found) - set(groups))
            if missing:
                raise SourceError(f"{href}: no collection {', '.join(missing)}")
        result = [
            SourceCollection(cid, _portable(f.stac), self._items(f.item_hrefs, f.loose))
            for cid, f in found.items()
            if not wanted or cid in wanted
        ]
        result += [
            SourceCollection(cid, None, iter(items))
            for cid, items in groups.items()
            if not wanted or cid in wanted
        ]
        return result

    def _lone_item_collection(self, item: dict, href: str, found: dict[str, _Found]) -> None:
        """The collection a lone item file links to, when that is inside the source."""
        for link in item.get("links") or []:
            if isinstance(link, dict) and link.get("rel") == "collection":
                target = href_join(str(link.get("href")), href)
                if self.scope.refusal(target) is not None:
                    return  # saved from an API: the collection must already be here
                try:
                    stac = self.document(target)
                except LinkRefused as error:
                    self.report.link_skipped(target, str(error))
                    return
                if stac.get("type") == "Collection" and stac.get("id"):
                    found[stac["id"]] = _Found(stac)
                return

    def _walk(
        self,
        document: dict,
        href: str,
        current: _Found | None,
        found: dict[str, _Found],
        loose: list[dict],
        depth: int,
    ) -> None:
        self.walked.add(href)
        if document.get("type") == "Collection" and isinstance(document.get("id"), str):
            if document["id"] in found:
                self.report.link_skipped(href, f"a second collection {document['id']!r}")
                return
            current = found[document["id"]] = _Found(document)
        for link in document.get("links") or []:
            if not isinstance(link, dict) or not isinstance(link.get("href"), str):
                continue
            rel, target = link.get("rel"), href_join(link["href"], href)
            if rel == "item" and current is not None:
                current.item_hrefs.append(target)
            elif rel in ("item", "child"):
                if target in self.walked or depth >= MAX_DEPTH:
                    continue
                try:
                    child = self.document(target)
                except LinkRefused as error:
                    self.report.link_skipped(target, str(error))
                    continue
                if rel == "item":  # an item straight under a catalog: its own collection
                    loose.append(_item_prepared(child, target, self.report))
                elif child.get("type") in ("Catalog", "Collection"):
                    self._walk(child, target, current, found, loose, depth + 1)
                else:
                    self.report.link_skipped(target, "a child that is not a catalog")

    def _loose_grouped(
        self, loose: list[dict], found: dict[str, _Found], wanted: list[str] | None
    ) -> dict[str, list[dict]]:
        """Items met outside any collection, by the collection they name (or the one asked for
        with --collection); those naming the source's own collections join them."""
        groups: dict[str, list[dict]] = {}
        for item in loose:
            collection_id = item.get("collection") or (wanted[0] if wanted else None)
            if not isinstance(collection_id, str) or not collection_id:
                self.report.item_skipped(
                    "no collection",
                    f"item {item.get('id')}: names no collection; give one with --collection",
                )
            elif collection_id in found:
                found[collection_id].loose.append(item)
            else:
                groups.setdefault(collection_id, []).append(item)
        return groups

    def _items(self, hrefs: list[str], loose: list[dict]) -> Iterator[dict]:
        yield from loose
        for href in hrefs:
            try:
                document = self.document(href)
            except LinkRefused as error:
                self.report.link_skipped(href, str(error))
                continue
            if document.get("type") != "Feature":
                self.report.link_skipped(href, "linked as an item but not a STAC item")
                continue
            yield _item_prepared(document, href, self.report)


# --- documents ------------------------------------------------------------------------------


def _parsed(data: bytes) -> dict:
    """A JSON object, or newline-delimited JSON objects as a FeatureCollection."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise LinkRefused("JSON nested too deeply") from None
    except ValueError as whole_error:
        try:
            lines = [json.loads(line) for line in data.splitlines() if line.strip()]
        except (ValueError, RecursionError):
            raise LinkRefused(f"not JSON ({whole_error})") from None
        if not all(isinstance(line, dict) for line in lines):
            raise LinkRefused("newline-delimited JSON whose lines are not all objects") from None
        return {"type": "FeatureCollection", "features": lines}
    if not isinstance(document, dict):
        raise LinkRefused("not a JSON object")
    if "type" not in document and "stac_version" not in document:
        raise LinkRefused("not a STAC document (no 'type')")
    return document


def _migrated(document: Any) -> Any:
    """A pre-1.0 document (0.8, 0.9, 1.0.0-beta/rc) migrated by pystac; others as written,
    since pystac's objects would quietly repair what the import must report."""
    version = document.get("stac_version") if isinstance(document, dict) else None
    try:
        if not isinstance(version, str) or Version(version) >= Version("1.0.0"):
            return document
    except InvalidVersion:
        return document
    try:
        return migrate_to_latest(document, identify_stac_object(document))
    except Exception as error:  # pystac raises STACTypeError, KeyError, ... on odd documents
        raise LinkRefused(f"a STAC {version} document pystac cannot migrate ({error})") from None


def _item_prepared(document: dict, href: str, report: ImportReport) -> dict:
    """An item ready to store: asset hrefs resolved (local files outside DATA_ROOT refused)
    and the links of its source catalogue dropped."""
    if isinstance(document, dict):
        for key, reason in item_assets_localize(document, document_href=href):
            report.asset_refused(str(document.get("id")), key, reason)
        return _portable(document)
    return document


def _portable(document: dict) -> dict:
    """``document`` without the links that only made sense inside its source catalogue."""
    links = [
        link
        for link in document.get("links") or []
        if isinstance(link, dict) and link.get("rel") not in STRUCTURAL_LINKS
    ]
    return {**document, "links": links}
