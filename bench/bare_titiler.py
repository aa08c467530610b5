"""A bare titiler.core app, the baseline of bench/tiles.py: rio-tiler's STACReader over STAC
item files given by ``?url=`` (what a stock TiTiler deployment serves). Not part of the portal.

It encodes PNGs at the portal's compression level (TILES_PNG_ZLEVEL), so that the benchmark's
ratio measures what the portal adds, not an encoder setting.

    uvicorn bare_titiler:app --app-dir bench
"""

import os

from fastapi import FastAPI
from rio_tiler.io import STACReader
from rio_tiler.profiles import PNGProfile, img_profiles
from titiler.core.errors import DEFAULT_STATUS_CODES, add_exception_handlers
from titiler.core.factory import MultiBaseTilerFactory

img_profiles["png"] = PNGProfile(zlevel=int(os.environ.get("TILES_PNG_ZLEVEL", "1")))
app = FastAPI(title="bare titiler.core")
app.include_router(
    MultiBaseTilerFactory(reader=STACReader, router_prefix="/stac").router, prefix="/stac"
)
add_exception_handlers(app, DEFAULT_STATUS_CODES)
