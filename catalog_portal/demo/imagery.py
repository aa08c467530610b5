"""Synthetic landscapes that look like terrain and fields from above, not like noise.

A landscape is built from smooth fractal fields (spectral synthesis: random phases with a
power-law spectrum), so neighbouring pixels correlate as in real images; fields are parcels
of a rotated grid, each with its own crop, and water follows valley floors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Land cover classes of a landscape.
WATER, FOREST, MEADOW, CROP, BARE, BUILT = range(6)


def fractal_field(
    rng: np.random.Generator, shape: tuple[int, int], beta: float = 3.0
) -> np.ndarray:
    """A smooth random field scaled to 0..1; larger ``beta`` gives smoother fields."""
    height, width = shape
    fy = np.fft.fftfreq(height).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(width).astype(np.float32)[None, :]
    frequency = np.hypot(fx, fy)
    frequency[0, 0] = 1.0
    amplitude = frequency ** np.float32(-beta / 2)
    amplitude[0, 0] = 0.0
    # Complex white noise shaped by a power law: random phases with Rayleigh amplitudes.
    noise = rng.standard_normal((2, *amplitude.shape), dtype=np.float32)
    spectrum = amplitude * noise[0] + 1j * (amplitude * noise[1])
    field = np.fft.irfft2(spectrum, s=shape).astype(np.float32)
    low, high = field.min(), field.max()
    return (field - low) / (high - low)


def _cell_values(column: np.ndarray, row: np.ndarray, *, salt: float) -> np.ndarray:
    """A repeatable pseudo-random 0..1 value per integer grid cell (column, row)."""
    c0, r0 = int(column.min()), int(row.min())
    ci, ri = (column - c0).astype(np.int64), (row - r0).astype(np.int64)
    cols = np.arange(c0, c0 + ci.max() + 1, dtype=np.float64)[:, None]
    rows = np.arange(r0, r0 + ri.max() + 1, dtype=np.float64)[None, :]
    value = np.sin(cols * 12.9898 + rows * 78.233 + salt) * 43758.5453
    table = (value - np.floor(value)).astype(np.float32)
    return table[ci, ri]


@dataclass
class Landscape:
    """Layers of one synthetic area, each an array of ``shape``."""

    elevation: np.ndarray  # 0..1
    cover: np.ndarray  # land cover class per pixel
    parcel_tone: np.ndarray  # 0..1, a per-field brightness for crops and meadows
    texture: np.ndarray  # fine detail, 0..1


def landscape_make(
    rng: np.random.Generator,
    shape: tuple[int, int],
    *,
    pixel_size: float,
    river_level: float = 0.18,
    valley: np.ndarray | None = None,
) -> Landscape:
    """A landscape with a river in its valley, forest on high ground, fields elsewhere.

    ``pixel_size`` (metres) sets the size of fields (about 150 m) and roads; ``valley``, a
    0..1 field that is low along a river, can be given so that neighbouring areas share one.
    """
    height, width = shape
    elevation = fractal_field(rng, shape, beta=3.6)
    if valley is not None:
        elevation = 0.45 * elevation + 0.55 * valley
    texture = fractal_field(rng, shape, beta=1.6)

    # Parcels: a slightly rotated grid of fields of varied size, each with its own crop.
    angle = rng.uniform(-0.5, 0.5)
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    u = (cols * np.cos(angle) - rows * np.sin(angle)) * pixel_size
    v = (cols * np.sin(angle) + rows * np.cos(angle)) * pixel_size
    field_w, field_h = rng.uniform(90, 220), rng.uniform(140, 320)
    column, row = np.floor(u / field_w), np.floor(v / field_h)
    parcel_tone = _cell_values(column, row, salt=float(rng.uniform(0, 1000)))
    kind_draw = _cell_values(column, row, salt=float(rng.uniform(0, 1000)))
    cover = np.select([kind_draw < 0.4, kind_draw < 0.8], [MEADOW, CROP], BARE)

    # Narrow gaps between parcels read as tracks and hedges.
    edge = max(1.0, 4.0 / pixel_size) * pixel_size
    on_track = ((u % field_w) < edge) | ((v % field_h) < edge)
    forest = fractal_field(rng, shape, beta=3.0) + 0.6 * elevation > 1.0
    settlement = (fractal_field(rng, shape, beta=3.2) > 0.82) & (elevation < 0.6)
    cover = np.where(forest, FOREST, cover)
    cover = np.where(settlement & (texture > 0.45), BUILT, cover)
    cover = np.where(on_track & ~forest, BARE, cover)
    cover = np.where(elevation < river_level, WATER, cover)
    return Landscape(
        elevation=elevation, cover=cover.astype(np.uint8), parcel_tone=parcel_tone, texture=texture
    )


# Typical reflectance (0..1) of each cover class in blue, green, red and near infrared, at the
# height of the growing season; ``season`` scales how green vegetation is.
_REFLECTANCE = {
    WATER: (0.05, 0.06, 0.04, 0.02),
    FOREST: (0.03, 0.06, 0.035, 0.30),
    MEADOW: (0.04, 0.09, 0.05, 0.38),
    CROP: (0.05, 0.10, 0.07, 0.34),
    BARE: (0.09, 0.12, 0.15, 0.22),
    BUILT: (0.13, 0.14, 0.15, 0.18),
}


def reflectance(land: Landscape, *, season: float = 1.0) -> np.ndarray:
    """Surface reflectance (4, h, w) in blue, green, red, NIR; ``season`` 0 = bare, 1 = lush."""
    out = np.zeros((4, *land.cover.shape), dtype=np.float32)
    for klass, values in _REFLECTANCE.items():
        mask = land.cover == klass
        bare = np.array(_REFLECTANCE[BARE], dtype=np.float32)
        value = np.array(values, dtype=np.float32)
        if klass in (MEADOW, CROP):
            # Crops green up and ripen at their own pace: the tone shifts each field's season.
            greenness = np.clip(season * (0.55 + 0.7 * land.parcel_tone[mask]), 0, 1)
            out[:, mask] = bare[:, None] + (value - bare)[:, None] * greenness[None, :]
        elif klass == FOREST:
            out[:, mask] = (bare + (value - bare) * (0.6 + 0.4 * season))[:, None]
        else:
            out[:, mask] = value[:, None]
    # Terrain shading and fine texture keep areas of one class from looking flat.
    gy, gx = np.gradient(land.elevation * 40.0)
    shade = np.clip(1.0 + 0.8 * (gx - gy), 0.7, 1.25)
    out *= (shade * (0.85 + 0.3 * land.texture))[None]
    return out


def orthophoto(land: Landscape) -> np.ndarray:
    """An 8-bit RGBI orthophoto (4, h, w) of a late-summer landscape."""
    bands = reflectance(land, season=0.9)
    rgb_gain, nir_gain = 1100.0, 520.0
    red, green, blue, nir = bands[2], bands[1], bands[0], bands[3]
    image = np.stack([red * rgb_gain, green * rgb_gain, blue * rgb_gain, nir * nir_gain])
    return np.clip(image + 8, 1, 255).astype(np.uint8)


def clouds(rng: np.random.Generator, shape: tuple[int, int], cover: float) -> np.ndarray:
    """Cloud opacity 0..1 covering about ``cover`` (0..1) of the area."""
    if cover <= 0:
        return np.zeros(shape, dtype=np.float32)
    field = fractal_field(rng, shape, beta=3.2)
    threshold = np.quantile(field, 1 - cover)
    return np.clip((field - threshold) / 0.08, 0, 1).astype(np.float32)


def backscatter_db(
    rng: np.random.Generator, land: Landscape, *, water: np.ndarray, cross: bool
) -> np.ndarray:
    """SAR backscatter in dB: water dark and smooth, forest and towns bright, with speckle."""
    base = np.full(land.cover.shape, -10.5, dtype=np.float32)
    base[land.cover == FOREST] = -7.5
    base[land.cover == BUILT] = -3.0
    base[land.cover == BARE] = -13.0
    base += 2.0 * (land.texture - 0.5)
    base[water] = -21.0
    if cross:
        base -= 6.5
    # Multiplicative speckle of a multi-looked image (gamma with 5 looks), in dB.
    speckle = 10 * np.log10(rng.gamma(5.0, 1 / 5.0, base.shape)).astype(np.float32)
    return base + speckle
