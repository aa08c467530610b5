"""Encoding tiles and previews: the ``render_func`` of the portal's titiler factories.

titiler's ``render_image`` takes its creation options from rio-tiler's process-wide
``img_profiles`` and lets them win over its arguments, so the PNG compression level could only
be set by replacing that global. This is the same rendering (rescale, colour formula, the
JPEG-or-PNG choice, colormap, mask) with the profile given per call: PNG at
``TILES_PNG_ZLEVEL``. ``tests/test_tiles_images.py`` checks that it draws what titiler draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings
from rasterio.dtypes import dtype_ranges
from rio_tiler.colormap import apply_cmap
from rio_tiler.models import ImageData
from rio_tiler.types import ColorMapType, IntervalTuple
from rio_tiler.utils import render
from titiler.core.resources.enums import ImageType
from titiler.core.utils import rescale_array

# The types each format can hold; other data is rescaled to fit (as titiler does).
FORMAT_DTYPES = {
    ImageType.png: ("uint8", "uint16"),
    ImageType.jpeg: ("uint8",),
    ImageType.jpg: ("uint8",),
    ImageType.webp: ("uint8",),
    ImageType.jp2: ("uint8", "int16", "uint16"),
}


def image_render(
    image: ImageData,
    colormap: ColorMapType | None = None,
    output_format: ImageType | None = None,
    add_mask: bool = True,
    rescale: Sequence[IntervalTuple] | None = None,
    color_formula: str | None = None,
    **options: Any,
) -> tuple[bytes, str]:
    """``image`` encoded as titiler's ``render_image`` would, PNG at TILES_PNG_ZLEVEL;
    returns (content, media type)."""
    data, mask, output_range = _image_painted(
        image, colormap=colormap, rescale=rescale, color_formula=color_formula
    )
    dtypes = dict(FORMAT_DTYPES)
    if output_format is None:
        # titiler's choice: PNG when some pixel is transparent, else JPEG; one dtype for both.
        transparent = (mask == dtype_ranges[str(mask.dtype)][0]).any()
        output_format = ImageType.png if transparent else ImageType.jpeg
        dtypes[ImageType.png] = ("uint8",)
    allowed = dtypes.get(output_format, ())
    if allowed and data.dtype not in allowed:
        data = rescale_array(data, mask, in_range=output_range)
    creation = {**output_format.profile, **options, **_profile_overrides(output_format)}
    if output_format.driver == "GTiff":
        creation.setdefault("transform", image.transform)
        if image.crs:
            creation.setdefault("crs", image.crs)
    content = render(data, mask if add_mask else None, img_format=output_format.driver, **creation)
    return content, output_format.mediatype


def image_coloured(
    image: ImageData,
    *,
    colormap: ColorMapType | None = None,
    rescale: Sequence[IntervalTuple] | None = None,
    color_formula: str | None = None,
) -> ImageData:
    """``image`` painted as ``image_render`` paints it, as 8-bit red, green and blue masked
    where the image is transparent: one grey band is repeated in all three, of more bands
    the first three are kept (two: the first, as grey). Images of different sources drawn
    this way can be merged into one mosaic."""
    data, mask, output_range = _image_painted(
        image, colormap=colormap, rescale=rescale, color_formula=color_formula
    )
    if data.dtype != np.uint8:
        data = rescale_array(data, mask, in_range=output_range)
    bands = data[:3] if data.shape[0] >= 3 else np.repeat(data[:1], 3, axis=0)
    transparent = np.repeat((mask == 0)[np.newaxis], 3, axis=0)
    return ImageData(
        np.ma.MaskedArray(bands, mask=transparent),
        assets=image.assets,
        crs=image.crs,
        bounds=image.bounds,
        band_names=["red", "green", "blue"],
        metadata=image.metadata,
    )


def _image_painted(
    image: ImageData,
    *,
    colormap: ColorMapType | None,
    rescale: Sequence[IntervalTuple] | None,
    color_formula: str | None,
) -> tuple[np.ndarray, np.ndarray, Sequence[IntervalTuple]]:
    """``image`` rescaled, colour-formula'd and colour-mapped, as titiler renders it: its
    data, its mask (0 transparent; a colormap's alpha where the image has data) and the data's
    range."""
    if rescale:
        image.rescale(rescale)
    if color_formula:
        image.apply_color_formula(color_formula)
    data, mask = image.data.copy(), image.mask.copy()
    input_range = dtype_ranges[str(data.dtype)]
    output_range = image.dataset_statistics or (input_range,)
    if colormap:
        data, alpha = apply_cmap(data, colormap)
        output_range = (dtype_ranges[str(data.dtype)],)
        # The colormap's alpha where the image has data; masked pixels stay transparent.
        mask = np.where(mask != input_range[0], alpha, output_range[0][0]).astype(data.dtype)
    return data, mask, output_range


def _profile_overrides(output_format: ImageType) -> dict[str, Any]:
    """The portal's own creation options for ``output_format``."""
    if output_format is ImageType.png:
        # Level 1 encodes a 256² RGBA tile in ~3 ms instead of ~12 ms, for ~15 % more bytes:
        # on a tile server, encoding time is most of a cache hit's cost.
        return {"zlevel": settings.TILES_PNG_ZLEVEL}
    return {}
