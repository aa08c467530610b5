"""The tile matrix sets the tile server offers: morecantile's, shared rather than copied."""

from __future__ import annotations

import threading

import attr
import morecantile
from morecantile import TileMatrixSet
from morecantile.defaults import TileMatrixSets


@attr.s(frozen=True)
class SharedTileMatrixSets(TileMatrixSets):
    """morecantile's registry whose ``get`` hands out one instance per TMS, not a deep copy.

    morecantile copies a TMS on every ``get`` so that callers may change it; titiler calls
    ``get`` on every request, and the copy (a pydantic model of up to 25 tile matrices) with
    its fresh pyproj transformers cost several ms of each tile. Nothing here changes a TMS.
    """

    _shared: dict[str, TileMatrixSet] = attr.ib(factory=dict)
    _lock: threading.Lock = attr.ib(factory=threading.Lock)

    def get(self, identifier: str) -> TileMatrixSet:
        tms = self._shared.get(identifier)
        if tms is None:
            with self._lock:
                tms = self._shared.setdefault(identifier, super().get(identifier))
        return tms


TILE_MATRIX_SETS = SharedTileMatrixSets(dict(morecantile.tms.tilematrixsets))
