"""The item page's render choice: the collection's ``renders`` (STAC render extension) as
options, each with the tilejson the map draws it from and a legend of what its colours mean.

The tile server draws a named render with ``render=<name>`` (``tiles/renders.py``); the page
only names one of the collection's. Legends: a colour ramp between the rescale bounds for a
named colormap (or grey for one band without one), swatches for a categorical colormap
labelled by the assets' ``classification:classes``. Renders are imported STAC: anything odd
in one gives no legend rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from rio_tiler.colormap import cmap as colormaps
from rio_tiler.colormap import parse_color
from rio_tiler.errors import InvalidColorMapName

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.web.asset_details import asset_classes

# Render names are a collection's keys; a longer request value names none of them.
RENDER_NAME_MAX_LENGTH = 100
# A legend lists at most this many classes (a colormap may have 256 entries).
LEGEND_MAX_CLASSES = 64
# Colours sampled along a named colormap for its ramp.
RAMP_STOPS = 11
GREY_RAMP = ((0, "rgb(0, 0, 0)"), (100, "rgb(255, 255, 255)"))


@dataclass(frozen=True)
class LegendClass:
    """One colour of a categorical colormap and what it means."""

    value: int
    label: str
    colour: str  # CSS rgb(); "" where the colormap leaves the value transparent


@dataclass(frozen=True)
class Legend:
    """What a render's colours mean: a ramp from ``low`` to ``high`` (``ramp_stops``: percent
    along it, CSS colour) or ``classes``."""

    ramp_stops: tuple[tuple[int, str], ...] = ()
    low: str = ""
    high: str = ""
    classes: tuple[LegendClass, ...] = ()


@dataclass(frozen=True)
class RenderOption:
    """A render the visitor may choose: its name, title, tilejson URL and legend."""

    name: str
    title: str
    tilejson: str
    legend: Legend | None


def render_chosen(*, renders: Mapping[str, Any], requested: str | None) -> str:
    """The render the page draws: ``requested`` if the collection has it (InvalidParameter,
    a 400, if not), else the one the tile server draws by default ("" without renders)."""
    if requested:
        if len(requested) > RENDER_NAME_MAX_LENGTH or requested not in renders:
            known = ", ".join(sorted(renders)[:20]) or _("none")
            raise InvalidParameter("render", _("no such render (known: %s)") % known)
        return requested
    if "default" in renders:
        return "default"
    return next(iter(renders), "")


def render_options(
    *, renders: Mapping[str, Any], tilejson: str, assets: Mapping[str, Any]
) -> list[RenderOption]:
    """The collection's renders as options, the default one first; ``tilejson`` is the item's
    tilejson URL (the default render's), ``assets`` the item's (for class labels)."""
    default = render_chosen(renders=renders, requested=None)
    names = sorted(renders, key=lambda name: name != default)
    options = []
    for name in names:
        render = renders[name] if isinstance(renders[name], dict) else {}
        url = tilejson if name == default else f"{tilejson}?{urlencode({'render': name})}"
        title = render.get("title") if isinstance(render.get("title"), str) else ""
        options.append(
            RenderOption(
                name=name,
                title=title or name,
                tilejson=url,
                legend=render_legend(render=render, assets=assets),
            )
        )
    return options


def render_legend(*, render: Mapping[str, Any], assets: Mapping[str, Any]) -> Legend | None:
    """The legend of ``render`` drawn from ``assets``, or None when its colours need none
    (true colour) or cannot be read."""
    try:
        if render.get("colormap"):
            return _classes_legend(render, assets)
        low, high = _rescale(render)
        if render.get("colormap_name"):
            colormap = colormaps.get(str(render["colormap_name"]).lower())
            steps = range(RAMP_STOPS)
            stops = tuple(
                (
                    round(i * 100 / (RAMP_STOPS - 1)),
                    _css(colormap[round(i * 255 / (RAMP_STOPS - 1))]),
                )
                for i in steps
            )
            return Legend(ramp_stops=stops, low=low, high=high)
        if _one_band(render) and low:
            return Legend(ramp_stops=GREY_RAMP, low=low, high=high)
    except (InvalidColorMapName, TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    return None


def _classes_legend(render: Mapping[str, Any], assets: Mapping[str, Any]) -> Legend | None:
    labels: dict[int, str] = {}
    for name in render.get("assets") or []:
        asset = assets.get(name)
        if isinstance(asset, dict):
            for row in asset_classes(asset):
                labels.setdefault(row.value, row.label)
    classes = []
    for key, colour in list(render["colormap"].items())[:LEGEND_MAX_CLASSES]:
        value = int(key)
        rgba = parse_color(colour)
        classes.append(
            LegendClass(
                value=value,
                label=labels.get(value, str(value)),
                colour=_css(rgba) if rgba[3] else "",
            )
        )
    return Legend(classes=tuple(sorted(classes, key=lambda c: c.value))) if classes else None


def _rescale(render: Mapping[str, Any]) -> tuple[str, str]:
    """The first band's rescale bounds as text, or ("", "")."""
    rescale = render.get("rescale")
    if not rescale:
        return "", ""
    low, high = (float(v) for v in rescale[0])
    return f"{low:g}", f"{high:g}"


def _one_band(render: Mapping[str, Any]) -> bool:
    """Whether ``render`` draws one band (grey without a colormap)."""
    assets: Sequence[Any] = render.get("assets") or []
    if render.get("expression"):
        return "," not in str(render["expression"]) and ";" not in str(render["expression"])
    if render.get("bidx"):
        return len(render["bidx"]) == 1
    return len(assets) == 1


def _css(rgba: Sequence[Any]) -> str:
    red, green, blue = (int(v) for v in rgba[:3])
    return f"rgb({red}, {green}, {blue})"
