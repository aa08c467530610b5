"""Tiles and previews are encoded by ``tiles/images.py`` (the factories' ``render_func``) as
titiler's ``render_image`` encodes them, with PNG compression from the settings.

These tests fail when titiler changes how it renders: then ``image_render`` must follow.
"""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.io import MemoryFile
from rio_tiler.colormap import cmap
from rio_tiler.models import ImageData
from rio_tiler.utils import render
from titiler.core.resources.enums import ImageType
from titiler.core.utils import render_image

from catalog_portal.tiles.images import image_render


def image_make(*, dtype: str, bands: int, masked: bool, statistics=None) -> ImageData:
    """A 64² image with a gradient in each band, its left quarter masked if ``masked``."""
    values = np.arange(64 * 64, dtype="float64").reshape(64, 64)
    scale = {"uint8": 255 / values.max(), "uint16": 1.0, "float32": 0.01}[dtype]
    data = np.stack([values * scale + band for band in range(bands)]).astype(dtype)
    array = np.ma.MaskedArray(data, mask=np.zeros_like(data, dtype=bool))
    if masked:
        array.mask[:, :, :16] = True
    return ImageData(
        array,
        crs="EPSG:3857",
        bounds=(0, 0, 64, 64),
        dataset_statistics=statistics,
    )


def pixels(content: bytes) -> np.ndarray:
    with MemoryFile(content) as memory, memory.open() as dataset:
        return dataset.read()


CASES = {
    "rgb with mask": ({"dtype": "uint8", "bands": 3, "masked": True}, {}),
    "uint16 as is": ({"dtype": "uint16", "bands": 1, "masked": False}, {}),
    "uint16 rescaled": ({"dtype": "uint16", "bands": 1, "masked": True}, {"rescale": [(0, 4095)]}),
    "float stretched by statistics": (
        {"dtype": "float32", "bands": 1, "masked": True, "statistics": [(0, 41)]},
        {},
    ),
    "colormap": (
        {"dtype": "uint16", "bands": 1, "masked": True},
        {"rescale": [(0, 4095)], "colormap": cmap.get("viridis")},
    ),
    "colour formula": (
        {"dtype": "uint8", "bands": 3, "masked": False},
        {"color_formula": "gamma rgb 1.5"},
    ),
    "without mask": ({"dtype": "uint8", "bands": 3, "masked": True}, {"add_mask": False}),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "output_format", [ImageType.png, ImageType.jpeg, ImageType.webp, ImageType.tif, None]
)
def test_images_are_what_titiler_renders(settings, case, output_format):
    """At titiler's own PNG level the bytes are titiler's, byte for byte."""
    settings.TILES_PNG_ZLEVEL = 6
    image, options = CASES[case]
    if output_format in (ImageType.jpeg, ImageType.webp) and image["dtype"] != "uint8":
        options = {**options, "rescale": options.get("rescale") or [(0, 4095)]}
    ours = image_render(image_make(**image), output_format=output_format, **options)
    theirs = render_image(image_make(**image), output_format=output_format, **options)
    assert ours == theirs


def test_png_is_compressed_at_the_configured_level(settings):
    settings.TILES_PNG_ZLEVEL = 1
    image = image_make(dtype="uint8", bands=3, masked=True)
    content, media_type = image_render(image, output_format=ImageType.png)
    assert media_type == "image/png"
    assert content == render(image.data, image.mask, img_format="PNG", zlevel=1)
    titilers, _ = render_image(
        image_make(dtype="uint8", bands=3, masked=True), output_format=ImageType.png
    )
    assert content != titilers and (pixels(content) == pixels(titilers)).all()


def test_an_image_with_transparent_pixels_is_a_png_else_a_jpeg(settings):
    settings.TILES_PNG_ZLEVEL = 1
    masked = image_make(dtype="uint8", bands=3, masked=True)
    assert image_render(masked)[1] == "image/png"
    assert image_render(image_make(dtype="uint8", bands=3, masked=False))[1] == "image/jpeg"


def test_rendering_changes_no_library_global(settings):
    """rio-tiler's profile table, which titiler reads, keeps its own PNG level."""
    from rio_tiler.profiles import img_profiles

    settings.TILES_PNG_ZLEVEL = 1
    image_render(image_make(dtype="uint8", bands=3, masked=True), output_format=ImageType.png)
    assert img_profiles.get("png")["zlevel"] == 6
