"""The tile server: a FastAPI application mounted at /tiles in the portal's ASGI process.

Built from titiler.core factories whose readers resolve catalogue items (``item_tiles.py``) and
registered searches (``mosaics.py``) through the portal's search and access layers. Beside them:
``session.py`` (who asks), ``catalog_items.py``/``search_items.py`` (what a request reads,
``catalog_cache.py`` keeps it a few seconds), ``reader.py`` (files of the allow-listed asset
sources only), ``renders.py`` (collection render defaults), ``caching.py`` (ETag, 304),
``coverage.py`` (when a mosaic tile is done), ``limits.py``, ``error_responses.py`` (the
status table), ``gdal.py`` (COG settings), ``images.py`` (encoding, PNG compression),
``models.py``/``registry.py`` (registered searches), ``page_layers.py`` (a search's mosaic
as a page carries it, registered as the page renders).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from fastapi import Depends, FastAPI
from titiler.core.factory import TMSFactory

from catalog_portal.tiles.caching import CacheHeadersMiddleware
from catalog_portal.tiles.catalog_items import stac_parsing_prepare
from catalog_portal.tiles.error_responses import errors_install
from catalog_portal.tiles.gdal import gdal_configure
from catalog_portal.tiles.grids import TILE_MATRIX_SETS
from catalog_portal.tiles.item_tiles import ITEM_PREFIX, item_tiler_make
from catalog_portal.tiles.limits import request_body_check, request_limits_check
from catalog_portal.tiles.mosaics import router as mosaics_router


def create_tiles_app() -> FastAPI:
    """Build the FastAPI app served under /tiles."""
    gdal_configure()
    app = FastAPI(
        title="Catalog Portal tiles",
        openapi_url="/openapi.json",
        docs_url="/docs",
        dependencies=[Depends(request_limits_check), Depends(request_body_check)],
    )

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Report that the tile server is up (GET /tiles/healthz)."""
        return {"status": "ok"}

    app.include_router(item_tiler_make().router, prefix=ITEM_PREFIX, tags=["items"])
    app.include_router(mosaics_router)
    app.include_router(TMSFactory(supported_tms=TILE_MATRIX_SETS).router, tags=["tile matrix sets"])
    app.add_middleware(CacheHeadersMiddleware)
    errors_install(app=app)
    routes_prepare(app)
    stac_parsing_prepare()
    return app


# A path no route answers: matching it walks (and so prepares) every route.
UNROUTED_PATH = "/.routes-prepare"


def routes_prepare(app: FastAPI) -> None:
    """Have FastAPI prepare its routes now, when the process starts, instead of on the first
    request: it builds each route's dependencies (titiler's many query parameters) the first
    time a request is matched against it, ~0.5 s of CPU that a page's first tile request (the
    explore page's preview: registering its search) waited for in every new worker.

    One request that no route answers is sent through the ASGI interface, in a thread of its
    own: the server imports this app from inside its running event loop."""

    async def unrouted() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": UNROUTED_PATH,
            "raw_path": UNROUTED_PATH.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [],
            "client": ("127.0.0.1", 0),
            "server": ("127.0.0.1", 80),
        }

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            pass

        await app(scope, receive, send)

    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, unrouted()).result()
