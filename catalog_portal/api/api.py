"""The STAC API application: one NinjaAPI, its routes and its error table."""

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI

from catalog_portal.api.error_responses import add_exception_handlers
from catalog_portal.api.parser import BoundedJsonParser
from catalog_portal.api.routes import router
from catalog_portal.api.sign_endpoint import router as signing_router
from catalog_portal.lib.urls import API_PATH

api = NinjaAPI(
    title="Catalog Portal STAC API",
    version="1.0.0",
    description="STAC API of Catalog Portal: collections, items and item search with CQL2.",
    urls_namespace="stac-api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=BoundedJsonParser(),
)
add_exception_handlers(api)
api.add_router("", router)
api.add_router("", signing_router)

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"


def openapi_document(request: HttpRequest) -> JsonResponse:
    """The OpenAPI document with the media type the landing page's service-desc link names
    (ninja's own view answers application/json, which STAC API clients check against)."""
    return JsonResponse(
        api.get_openapi_schema(path_prefix=f"{API_PATH}/"), content_type=OPENAPI_TYPE
    )
