"""Render defaults: a collection's ``renders`` (STAC render extension) fill in a request.

A tile request that names no ``assets`` and no ``expression`` is drawn with the collection's
``default`` render (or the one named by ``render=``): its assets, band indexes, expression,
nodata, rescale, colour formula and colormap. Anything the request does name wins, so every
TiTiler parameter keeps working as in TiTiler.
"""

# No `from __future__ import annotations`: FastAPI must see the closures' dependencies.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from rio_tiler.colormap import cmap as colormaps
from rio_tiler.colormap import parse_color
from rio_tiler.types import AssetType, ColorMapType
from starlette.requests import Request
from titiler.core.dependencies import (
    AssetsExprParams,
    ColorMapParams,
    DatasetParams,
    DefaultDependency,
    ExpressionParams,
    ImageRenderingParams,
)

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.tiles.error_responses import RenderNotFound
from catalog_portal.tiles.limits import ASSET_OPTIONS, ASSET_SYNTAX

# Parameters that choose the layer: when a request gives one, render defaults stay out.
LAYER_PARAMETERS = ("assets", "expression")


@dataclass
class LayerParams(ExpressionParams):
    """``assets`` (optional here: the collection's render supplies it) and ``expression``."""

    assets: Annotated[
        list[str] | None,
        Query(
            title="Asset names",
            description="Asset names, e.g. `B04`; options as `image|bidx=1,2,3`. "
            "Defaults to the collection's render.",
        ),
    ] = None
    asset_as_band: Annotated[
        bool | None, Query(description="Treat each asset as a one-band dataset")
    ] = None


@dataclass
class InfoAssetsParams(DefaultDependency):
    """Assets for /info and /asset_statistics: all of them when none are named."""

    assets: Annotated[list[str] | None, Query(title="Asset names")] = None


def assets_parse(*, values: list[str]) -> list[AssetType]:
    """TiTiler's asset syntax, ``name`` or ``name|bidx=1,2`` or ``name|expression=b1*2``, as
    rio-tiler's assets (InvalidParameter for anything else)."""
    assets: list[AssetType] = []
    for value in values:
        name, *options = value.split("|")
        if not options:
            assets.append(name)
            continue
        asset: dict[str, Any] = {"name": name}
        for option in options:
            key, equals, setting = option.partition("=")
            if key not in ASSET_OPTIONS or not equals or not setting:
                raise InvalidParameter("assets", ASSET_SYNTAX)
            if key == "bidx":
                try:
                    asset["indexes"] = [int(index) for index in setting.split(",")]
                except ValueError:
                    raise InvalidParameter("assets", ASSET_SYNTAX) from None
            else:
                asset["expression"] = setting
        assets.append(asset)
    return assets


def render_choose(*, renders: dict[str, Any], name: str | None, explicit: bool) -> dict | None:
    """The render to draw with: ``name``'s, else the default unless the request chose a layer."""
    if name:
        if name not in renders:
            known = ", ".join(sorted(renders)) or "none"
            raise RenderNotFound(f"render: no render {name!r} (known: {known})")
        return renders[name]
    if explicit:
        return None
    return renders.get("default") or next(iter(renders.values()), None)


def render_layer(render: dict[str, Any]) -> AssetsExprParams:
    """The assets/expression part of a render as titiler's layer parameters."""
    assets: list[Any] = list(render.get("assets") or [])
    if render.get("bidx") and len(assets) == 1:
        assets = [{"name": assets[0], "indexes": [int(i) for i in render["bidx"]]}]
    return AssetsExprParams(assets=assets, expression=render.get("expression"))


def render_colormap(render: dict[str, Any]) -> ColorMapType | None:
    """The render's colormap: a named one, or its own ``{"value": [r, g, b, a]}``."""
    if render.get("colormap_name"):
        return colormaps.get(render["colormap_name"])
    if render.get("colormap"):
        return {int(value): parse_color(colour) for value, colour in render["colormap"].items()}
    return None


@dataclass(frozen=True)
class RenderDependencies:
    """FastAPI dependencies for a titiler factory, filled from the renders of ``source``."""

    layer: Callable[..., AssetsExprParams]
    dataset: Callable[..., DatasetParams]
    rendering: Callable[..., ImageRenderingParams]
    colormap: Callable[..., ColorMapType | None]
    source: Callable[..., Any]

    def factory_options(self) -> dict[str, Callable[..., Any]]:
        """The options of a titiler factory that read ``source`` and fill in its renders."""
        return {
            "path_dependency": self.source,
            "layer_dependency": self.layer,
            "dataset_dependency": self.dataset,
            "render_dependency": self.rendering,
            "colormap_dependency": self.colormap,
        }


def render_dependencies(*, source: Callable[..., Any]) -> RenderDependencies:
    """Dependencies that fall back on ``source().renders`` (an item's or a search's)."""

    def chosen(
        request: Request,
        origin: Annotated[Any, Depends(source)],
        render: Annotated[
            str | None,
            Query(description="Name of one of the collection's renders (default: `default`)."),
        ] = None,
    ) -> dict | None:
        explicit = any(name in request.query_params for name in LAYER_PARAMETERS)
        return render_choose(renders=origin.renders, name=render, explicit=explicit)

    def layer(
        params: Annotated[LayerParams, Depends()],
        render: Annotated[dict | None, Depends(chosen)],
    ) -> AssetsExprParams:
        if render is None:
            assets = assets_parse(values=[name for name in params.assets or [] if name])
            return AssetsExprParams(
                assets=assets,
                expression=params.expression,
                asset_as_band=params.asset_as_band,
            )
        defaults = render_layer(render)
        defaults.asset_as_band = params.asset_as_band
        return defaults

    def dataset(
        params: Annotated[DatasetParams, Depends()],
        render: Annotated[dict | None, Depends(chosen)],
    ) -> DatasetParams:
        if render is not None:
            if params.nodata is None and render.get("nodata") is not None:
                params.nodata = float(render["nodata"])
            if params.resampling_method is None and render.get("resampling"):
                params.resampling_method = render["resampling"]
        return params

    def rendering(
        params: Annotated[ImageRenderingParams, Depends()],
        render: Annotated[dict | None, Depends(chosen)],
    ) -> ImageRenderingParams:
        if render is not None:
            if params.rescale is None and render.get("rescale"):
                params.rescale = [tuple(float(v) for v in pair) for pair in render["rescale"]]
            if params.color_formula is None:
                params.color_formula = render.get("color_formula")
        return params

    def colormap(
        given: Annotated[ColorMapType | None, Depends(ColorMapParams)],
        render: Annotated[dict | None, Depends(chosen)],
    ) -> ColorMapType | None:
        if given is not None or render is None:
            return given
        return render_colormap(render)

    return RenderDependencies(
        layer=layer, dataset=dataset, rendering=rendering, colormap=colormap, source=source
    )
