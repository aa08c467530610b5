"""A bare titiler.core app, the baseline of bench/tiles.py: rio-tiler's STACReader over STAC
item files given by ``?url=`` (what a stock TiTiler deployment serves). Not part of the portal.

    uvicorn bare_titiler:app --app-dir bench
"""

from fastapi import FastAPI
from rio_tiler.io import STACReader
from titiler.core.errors import DEFAULT_STATUS_CODES, add_exception_handlers
from titiler.core.factory import MultiBaseTilerFactory

app = FastAPI(title="bare titiler.core")
app.include_router(
    MultiBaseTilerFactory(reader=STACReader, router_prefix="/stac").router, prefix="/stac"
)
add_exception_handlers(app, DEFAULT_STATUS_CODES)
