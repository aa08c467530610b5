"""Mosaics across collections: each item drawn with its own collection's default render.

A search over several collections (or all of them: the explore page's "All datasets") has no
one render that fits its items: a flood map's one class band and an orthophoto's three colour
bands share neither assets nor rescale nor colormap. Such a mosaic reads each item with its
collection's render (assets, band indexes or expression, nodata, resampling), paints it
(rescale, colour formula, colormap) to 8-bit red, green and blue, and merges the painted
images. Items whose collection has no render with assets are left out of the mosaic.
"""

from __future__ import annotations

from typing import Any

from rio_tiler.models import ImageData

from catalog_portal.tiles.catalog_items import CatalogItem
from catalog_portal.tiles.images import image_coloured
from catalog_portal.tiles.reader import CatalogItemReader
from catalog_portal.tiles.renders import render_choose, render_colormap, render_layer


def item_render(item: CatalogItem) -> dict[str, Any] | None:
    """The render ``item`` is drawn with in a mosaic across collections: its collection's
    default (or first) render, if that names assets to read."""
    render = render_choose(renders=item.renders, name=None, explicit=False)
    if not render or not render.get("assets"):
        return None
    return render


class ItemRenderReader(CatalogItemReader):
    """The reader of a mosaic across collections: tiles, parts and features of its item
    (``input``) drawn with the item's own render (see :func:`item_render`), whatever layer
    the request named (none: that is when this reader is chosen), as 8-bit RGB."""

    def tile(self, tile_x: int, tile_y: int, tile_z: int, **kwargs: Any) -> ImageData:
        """The item's tile, painted with its render."""
        render = self.render()
        image = super().tile(tile_x, tile_y, tile_z, **read_options(render, kwargs))
        return painted(render, image)

    def part(self, bbox: Any, **kwargs: Any) -> ImageData:
        """The item's image of ``bbox``, painted with its render."""
        render = self.render()
        return painted(render, super().part(bbox, **read_options(render, kwargs)))

    def feature(self, shape: dict, *args: Any, **kwargs: Any) -> ImageData:
        """The item's image of ``shape``, painted with its render."""
        render = self.render()
        return painted(render, super().feature(shape, *args, **read_options(render, kwargs)))

    def render(self) -> dict[str, Any]:
        """The item's render (the mosaic reads only items that have one)."""
        render = item_render(self.input)
        if render is None:
            raise ValueError(f"item {self.input.item_id!r} has no render to draw with")
        return render


def read_options(render: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """``options`` of a read with the layer of ``render``, and its nodata and resampling
    unless the request named them."""
    layer = render_layer(render)
    chosen = {**options, "assets": layer.assets}
    chosen.pop("expression", None)
    if layer.expression:
        chosen["expression"] = layer.expression
    if chosen.get("nodata") is None and render.get("nodata") is not None:
        chosen["nodata"] = float(render["nodata"])
    if chosen.get("resampling_method") is None and render.get("resampling"):
        chosen["resampling_method"] = render["resampling"]
    return chosen


def painted(render: dict[str, Any], image: ImageData) -> ImageData:
    """``image`` painted with ``render``'s rescale, colour formula and colormap."""
    rescale = render.get("rescale")
    return image_coloured(
        image,
        colormap=render_colormap(render),
        rescale=[tuple(float(v) for v in pair) for pair in rescale] if rescale else None,
        color_formula=render.get("color_formula"),
    )
