"""The STAC API application: one NinjaAPI, its routes and its error table."""

from ninja import NinjaAPI

from catalog_portal.api.errors import add_exception_handlers
from catalog_portal.api.routes import router

api = NinjaAPI(
    title="Catalog Portal STAC API",
    version="1.0.0",
    description="STAC API of Catalog Portal: collections, items and item search with CQL2.",
    urls_namespace="stac-api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
add_exception_handlers(api)
api.add_router("", router)
