"""The file formats a download of search results is written in, one chunk of items at a time.

Each format turns a stream of STAC items (as the STAC API sends them) into bytes: a header,
the items chunk by chunk, a footer. A chunk holds whole items, so a file is valid when it
ends and the server never holds more than a chunk.

- ``geojson``: one FeatureCollection (a STAC ItemCollection) of the whole items.
- ``ndjson``: newline-delimited STAC, one item per line (as stac-geoparquet and jq read it).
- ``csv``: one row per item: fixed columns, the collections' queryable properties, the item's
  STAC URL and its assets' hrefs; spreadsheet formulas neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.queryables import queryables_ranked

# Item fields every row has; the bounding box is the footprint's, in WGS84 degrees.
FIXED_COLUMNS = (
    "collection", "id", "datetime", "start_datetime", "end_datetime",
    "west", "south", "east", "north",
)  # fmt: skip
# Queryables that are an item's own fields, not properties (a harvested API's /queryables
# lists them too): the fixed columns hold them already.
NOT_PROPERTIES = {*FIXED_COLUMNS, "geometry", "bbox"}
ASSET_PREFIX = "asset:"
# A cell a spreadsheet would read as a formula starts with one of these (OWASP, "CSV
# Injection"): such a text cell gets a leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMAT_NAMES = ("geojson", "csv", "ndjson")


@dataclass
class DownloadFormat:
    """How one format writes a download: its media type, file extension and pieces."""

    name: str
    media_type: str
    extension: str

    def header(self) -> bytes:
        return b""

    def chunk(self, items: list[tuple[Item, dict[str, Any]]], *, first: bool) -> bytes:
        """Items (each with its STAC document) as bytes; ``first`` for the first chunk."""
        raise NotImplementedError

    def footer(self, *, written: int) -> bytes:
        return b""


class GeoJSONFormat(DownloadFormat):
    def header(self) -> bytes:
        return b'{"type":"FeatureCollection","features":['

    def chunk(self, items: list[tuple[Item, dict[str, Any]]], *, first: bool) -> bytes:
        text = ",".join(_json(document) for _item, document in items)
        # Chunks after the first continue the array the previous one left open.
        return (text if first or not text else "," + text).encode()

    def footer(self, *, written: int) -> bytes:
        return f'],"numberReturned":{written}}}\n'.encode()


class NDJSONFormat(DownloadFormat):
    def chunk(self, items: list[tuple[Item, dict[str, Any]]], *, first: bool) -> bytes:
        return "".join(_json(document) + "\n" for _item, document in items).encode()


@dataclass
class CSVFormat(DownloadFormat):
    """Rows of the items; ``properties`` and ``assets`` name the columns after the fixed ones."""

    properties: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = (
            *FIXED_COLUMNS,
            *self.properties,
            "stac_url",
            *(ASSET_PREFIX + key for key in self.assets),
        )

    def header(self) -> bytes:
        return _csv_rows([self.columns])

    def chunk(self, items: list[tuple[Item, dict[str, Any]]], *, first: bool) -> bytes:
        return _csv_rows(self._row(item, document) for item, document in items)

    def _row(self, item: Item, document: dict[str, Any]) -> list[Any]:
        properties = document.get("properties") or {}
        bbox = (item.bbox_xmin, item.bbox_ymin, item.bbox_xmax, item.bbox_ymax)
        self_link = next((ln["href"] for ln in document["links"] if ln.get("rel") == "self"), "")
        assets = document.get("assets") or {}
        return [
            document["collection"],
            document["id"],
            properties.get("datetime"),
            properties.get("start_datetime"),
            properties.get("end_datetime"),
            *bbox,
            *(properties.get(name) for name in self.properties),
            self_link,
            *((assets.get(key) or {}).get("href") for key in self.assets),
        ]


def download_format(name: str, *, collections: Iterable[Collection]) -> DownloadFormat | None:
    """The format ``name`` names, its CSV columns from ``collections`` (those searched), or
    None for an unknown name."""
    if name == "geojson":
        return GeoJSONFormat("geojson", "application/geo+json", "geojson")
    if name == "ndjson":
        return NDJSONFormat("ndjson", "application/x-ndjson", "ndjson")
    if name == "csv":
        properties: dict[str, None] = {}  # an ordered set: most useful first, per collection
        assets: dict[str, None] = {}
        for collection in collections:
            for queryable, _schema in queryables_ranked(collection.queryables or {}):
                if queryable not in NOT_PROPERTIES:
                    properties[queryable] = None
            for key in (collection.stac or {}).get("item_assets") or {}:
                assets[key] = None
        return CSVFormat(
            "csv", "text/csv; charset=utf-8", "csv", properties=tuple(properties),
            assets=tuple(assets),
        )  # fmt: skip
    return None


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _csv_rows(rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; the csv module quotes
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode()


def _cell(value: Any) -> Any:
    """A CSV cell: numbers as they are, JSON for lists and objects, text safe from formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else _json(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
