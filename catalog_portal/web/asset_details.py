"""What the item page shows of each asset, as STAC Browser does: media type, roles, file
size, a table of its bands (``eo:bands`` and ``raster:bands`` side by side, or STAC 1.1's
``bands``) and its classification classes.

An asset's fields fall back on the collection's ``item_assets`` entry of the same key, which
describes every item's asset once. Values are imported STAC: only the expected types are
shown, as text (templates escape it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog_portal.web.metadata import file_size, number, role_labels

# Band tables and class lists longer than this are cut (hyperspectral assets have hundreds).
MAX_ROWS = 300
HEX_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")

# Band columns: (label, where the value is in eo:bands/raster:bands/bands, unit).
BAND_COLUMNS = (
    (gettext_noop("Name"), ("name",), ""),
    (gettext_noop("Common Name"), ("common_name", "eo:common_name"), ""),
    (gettext_noop("Center Wavelength"), ("center_wavelength", "eo:center_wavelength"), "µm"),
    (gettext_noop("No-data value"), ("nodata",), ""),
    (gettext_noop("Data type"), ("data_type",), ""),
    (gettext_noop("Unit"), ("unit",), ""),
    (gettext_noop("Scale"), ("scale", "raster:scale"), ""),
    (gettext_noop("Offset"), ("offset", "raster:offset"), ""),
)


@dataclass(frozen=True)
class BandTable:
    """The bands of an asset: column labels and one row of texts per band."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class ClassRow:
    """One classification class: its value, label, description and colour hint (``#rrggbb``)."""

    value: int
    label: str
    description: str
    colour: str


@dataclass(frozen=True)
class AssetDetails:
    """An asset as the Assets tab lists it."""

    key: str
    title: str
    type: str
    roles: list[str]
    size: str
    href: str
    bands: BandTable | None
    classes: list[ClassRow]

    @property
    def classes_described(self) -> bool:
        """Whether any class has a description (else the column is left out)."""
        return any(c.description for c in self.classes)

    @property
    def classes_coloured(self) -> bool:
        """Whether any class has a colour hint (else the column is left out)."""
        return any(c.colour for c in self.classes)


def asset_details(
    *, key: str, asset: Mapping[str, Any], described: Mapping[str, Any], href: str
) -> AssetDetails:
    """``asset`` (with the collection's ``described`` item asset under it) for the page."""
    merged = {**described, **asset}
    size = merged.get("file:size")
    return AssetDetails(
        key=key,
        title=_text(merged.get("title")) or key,
        type=_text(merged.get("type")),
        roles=role_labels(merged.get("roles")),
        size=file_size(size) if isinstance(size, int | float) and size >= 0 else "",
        href=href,
        bands=band_table(merged),
        classes=asset_classes(merged),
    )


def band_table(asset: Mapping[str, Any]) -> BandTable | None:
    """The asset's bands, ``eo:bands[i]`` beside ``raster:bands[i]`` (STAC 1.0) or
    ``bands`` (1.1), with the columns any band fills; None without bands."""
    eo, raster, common = (_dicts(asset.get(k)) for k in ("eo:bands", "raster:bands", "bands"))
    count = max(len(eo), len(raster), len(common))
    if not count:
        return None
    bands = [
        {
            **(common[i] if i < len(common) else {}),
            **(raster[i] if i < len(raster) else {}),
            **(eo[i] if i < len(eo) else {}),
        }
        for i in range(min(count, MAX_ROWS))
    ]
    cells = [[_band_value(band, keys, unit) for _l, keys, unit in BAND_COLUMNS] for band in bands]
    used = [i for i in range(len(BAND_COLUMNS)) if any(row[i] for row in cells)]
    if not used:
        return None
    return BandTable(
        columns=[_(BAND_COLUMNS[i][0]) for i in used],
        rows=[[row[i] for i in used] for row in cells],
    )


def asset_classes(asset: Mapping[str, Any]) -> list[ClassRow]:
    """The asset's ``classification:classes`` (or its first band's that has them)."""
    found = _dicts(asset.get("classification:classes"))
    if not found:
        for band in _dicts(asset.get("raster:bands")) + _dicts(asset.get("bands")):
            found = _dicts(band.get("classification:classes"))
            if found:
                break
    rows = []
    for entry in found[:MAX_ROWS]:
        value = entry.get("value")
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        hint = HEX_COLOUR.fullmatch(_text(entry.get("color_hint")))
        rows.append(
            ClassRow(
                value=value,
                label=_text(entry.get("title")) or _text(entry.get("name")) or str(value),
                description=_text(entry.get("description")),
                colour=f"#{hint.group(1).lower()}" if hint else "",
            )
        )
    return rows


def _band_value(band: Mapping[str, Any], keys: tuple[str, ...], unit: str) -> str:
    for key in keys:
        value = band.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            return f"{number(value)} {unit}".strip()
        if isinstance(value, str):
            return value
    return ""


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
