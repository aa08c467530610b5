"""STAC metadata as people read it: labels, units and formats from the STAC fields vocabulary.

The vocabulary is @radiantearth/stac-fields' ``fields.json`` (vendored from npm, see
static/vendor/README.md), the one STAC Browser uses, so labels match what users see there.
Keys it does not know are humanised (``max_gsd`` → "Max Gsd"). Values are rendered to safe
HTML here, so templates only place them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

FIELDS_JSON = settings.BASE_DIR / "static" / "vendor" / "stac-fields" / "fields.json"
# Properties the page shows elsewhere (the title, the map) or that only a machine reads.
# (An item's own providers are listed apart, with the collection's: ``item_providers``.)
HIDDEN = {"proj:wkt2", "proj:projjson", "proj:geometry", "proj:centroid", "providers"}
EPSG_URL = "https://epsg.io/{code}"
# The roles of providers (STAC's four) and of assets (stac-fields' labels) shown translated;
# others as the data writes them.
ROLE_LABELS = {
    "licensor": gettext_noop("Licensor"),
    "producer": gettext_noop("Producer"),
    "processor": gettext_noop("Processor"),
    "host": gettext_noop("Host"),
    "data": gettext_noop("Data"),
    "metadata": gettext_noop("Metadata"),
    "thumbnail": gettext_noop("Preview"),
    "overview": gettext_noop("Overview"),
    "visual": gettext_noop("Visualization"),
    "graphic": gettext_noop("Illustration"),
    # Roles the demo's assets have besides (from STAC's best practices)
    "reflectance": gettext_noop("Reflectance"),
    "backscatter": gettext_noop("Backscatter"),
}


@dataclass(frozen=True)
class Row:
    """One line of the metadata table."""

    key: str
    label: str
    value: SafeString
    explain: str = ""


@dataclass(frozen=True)
class Group:
    """Rows of one STAC extension (or the core fields, under "General")."""

    label: str
    rows: list[Row]


@dataclass(frozen=True)
class Provider:
    """An organisation that made, processed, licenses or hosts the data, and its roles."""

    name: str
    url: str
    roles: list[str]


@cache
def vocabulary() -> dict[str, Any]:
    """stac-fields' vocabulary: ``extensions`` (prefix → label) and ``metadata`` (key → spec)."""
    return json.loads(FIELDS_JSON.read_text(encoding="utf-8"))


def field_spec(key: str) -> dict[str, Any]:
    """What the vocabulary says of ``key`` (a label at least, in the active language when
    ``field_labels.py`` lists it, as a humanised key may be)."""
    return _translated(vocabulary()["metadata"].get(key)) or {"label": _(humanize(key))}


def _member_spec(key: str, members: dict[str, Any]) -> dict[str, Any]:
    """What the vocabulary says of ``key`` inside an object of a field (a band's
    ``common_name`` is ``eo:common_name``), else of ``key`` as a field of its own."""
    spec = members.get(key)
    if isinstance(spec, dict) and isinstance(spec.get("alias"), str):
        return field_spec(spec["alias"])
    return _translated(spec) or field_spec(key)


def _translated(spec: Any) -> dict[str, Any] | None:
    """A vocabulary entry with its label and explanation in the active language."""
    if isinstance(spec, str):
        return {"label": _(spec)}
    if not isinstance(spec, dict) or not spec.get("label"):
        return None
    words = {"label": _(spec["label"])}
    if spec.get("explain"):
        words["explain"] = _(spec["explain"])
    return {**spec, **words}


def humanize(key: str) -> str:
    """A label for a key nobody described: ``max_gsd`` → "Max Gsd" (prefixes dropped)."""
    name = key.rsplit(":", 1)[-1]
    return " ".join(word.capitalize() for word in name.replace("-", "_").split("_") if word)


def extension_label(key: str) -> str:
    """The group a key belongs to: its extension's label, or "General" for core fields."""
    if ":" not in key:
        return _("General")
    prefix = key.split(":", 1)[0]
    label = vocabulary()["extensions"].get(prefix, prefix.upper())
    return _(label["label"] if isinstance(label, dict) else label)


def metadata_groups(properties: dict[str, Any]) -> list[Group]:
    """The item's properties as labelled, formatted rows, grouped by extension
    (General first, then the extensions by label)."""
    groups: dict[str, list[Row]] = {}
    for key in sorted(properties):
        if key in HIDDEN:
            continue
        spec = field_spec(key)
        row = Row(
            key=key,
            label=spec.get("label") or humanize(key),
            value=value_html(properties[key], spec),
            explain=spec.get("explain", ""),
        )
        groups.setdefault(extension_label(key), []).append(row)
    general = _("General")
    order = sorted(groups, key=lambda label: (label != general, label.lower()))
    return [
        Group(label=label, rows=sorted(groups[label], key=lambda r: r.label)) for label in order
    ]


def role_labels(roles: object) -> list[str]:
    """Provider or asset ``roles`` as people read them (translated where known)."""
    if not isinstance(roles, list):
        return []
    return [_(ROLE_LABELS[r]) if r in ROLE_LABELS else r for r in roles if isinstance(r, str)]


def item_providers(*, item: dict[str, Any], collection: dict[str, Any]) -> list[Provider]:
    """The providers of an item: its own (``properties.providers``) or its collection's."""
    given = item.get("providers")
    if not isinstance(given, list) or not given:
        given = collection.get("providers")
    if not isinstance(given, list):
        return []
    return [
        Provider(
            name=p["name"],
            url=p["url"] if isinstance(p.get("url"), str) else "",
            roles=role_labels(p.get("roles")),
        )
        for p in given
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    ]


def summary_rows(summaries: dict[str, Any]) -> list[Row]:
    """A collection's summaries as rows: value lists joined, ranges as "min – max"."""
    rows = []
    for key in sorted(summaries):
        if key in HIDDEN:
            continue
        spec, value = field_spec(key), summaries[key]
        if isinstance(value, dict) and {"minimum", "maximum"} <= set(value):
            low, high = value_html(value["minimum"], spec), value_html(value["maximum"], spec)
            shown = format_html("{} – {}", low, high)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            shown = value_html(value, spec)
        elif isinstance(value, list):
            shown = format_html_join(", ", "{}", ((value_html(v, spec),) for v in value))
        else:
            shown = value_html(value, spec)
        rows.append(Row(key=key, label=spec.get("label") or humanize(key), value=shown))
    return rows


def value_html(value: Any, spec: dict[str, Any]) -> SafeString:
    """``value`` as HTML, by the field's format and unit (escaped; links only where known)."""
    fmt, unit = spec.get("format"), spec.get("unit")
    if value is None:
        return format_html('<span class="muted">{}</span>', _("n/a"))
    if isinstance(value, bool):
        return format_html(
            '<span class="bool bool-{}" aria-label="{}">{}</span>',
            "yes" if value else "no",
            _("yes") if value else _("no"),
            "✓" if value else "✗",
        )
    if fmt == "EPSG" and isinstance(value, int):
        return format_html(
            '<a href="{}" rel="noopener" target="_blank">EPSG:{}</a>',
            EPSG_URL.format(code=value),
            value,
        )
    if fmt == "CrsCode" and isinstance(value, str) and value.upper().startswith("EPSG:"):
        code = value.split(":", 1)[1]
        return format_html(
            '<a href="{}" rel="noopener" target="_blank">{}</a>', EPSG_URL.format(code=code), value
        )
    if fmt == "Timestamp" and isinstance(value, str):
        return format_html('<time datetime="{}">{}</time>', value, timestamp_utc(value))
    if fmt == "FileSize" and isinstance(value, int | float):
        return format_html("{}", file_size(value))
    if fmt in ("Shape", "Transform") and isinstance(value, list):
        joiner = " × " if fmt == "Shape" else ", "
        return format_html("{}", joiner.join(number(v) for v in value))
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return format_html("{}", ", ".join(scalar(v) for v in value))
        members = {k: spec[k] for k in ("items", "properties") if k in spec}
        return format_html_join(
            "", '<div class="nested">{}</div>', ((value_html(v, members),) for v in value)
        )
    if isinstance(value, dict):
        # The members of a field's objects (a band's name, common name, wavelength) are
        # described by the field's own ``items`` (lists) or ``properties`` (objects).
        members = spec.get("items") or spec.get("properties") or {}
        specs = {k: _member_spec(k, members if isinstance(members, dict) else {}) for k in value}
        rows = (
            (specs[k].get("label") or humanize(k), value_html(v, specs[k]))
            for k, v in value.items()
        )
        return format_html(
            '<dl class="nested">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows)
        )
    text = scalar(value)
    return format_html("{} {}", text, unit) if unit else format_html("{}", text)


def scalar(value: Any) -> str:
    return number(value) if isinstance(value, int | float) else str(value)


def number(value: Any) -> str:
    """Numbers without float noise: 15.0 → "15", 0.30000000000000004 → "0.3"."""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def timestamp_utc(value: str) -> str:
    """An RFC 3339 timestamp shown in UTC (``2021-09-14 10:00:00 UTC``), or as given."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def file_size(size: float) -> str:
    """Bytes in the largest unit that keeps the number ≥ 1 (``1.5 MB``)."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")
