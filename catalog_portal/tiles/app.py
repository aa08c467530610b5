"""The tile server: a FastAPI application mounted at /tiles in the portal's ASGI process.

The titiler.core factories that serve catalogued items arrive with the tiles issue; for now
the app answers its health check, so the dispatch in ``catalog_portal.asgi`` is exercised.
"""

from __future__ import annotations

from fastapi import FastAPI


def create_tiles_app() -> FastAPI:
    """Build the FastAPI app served under /tiles."""
    app = FastAPI(
        title="Catalog Portal tiles",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Report that the tile server is up (GET /tiles/healthz)."""
        return {"status": "ok"}

    return app
