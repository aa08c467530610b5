"""The STAC API's routes: each parses its input, asks the catalogue, returns a document."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from catalog_portal.api import openapi as doc
from catalog_portal.api.conformance import CONFORMS_TO
from catalog_portal.api.documents import GEOJSON, JSON, Urls, collection_document, item_document
from catalog_portal.api.error_responses import NotFound
from catalog_portal.api.fields_extension import parse_fields
from catalog_portal.api.responses import item_collection_response
from catalog_portal.catalog.queryables import queryables_for
from catalog_portal.catalog.search import item_search, search_from_params
from catalog_portal.catalog.selectors import visible_item
from catalog_portal.lib.urls import stac_path

router = Router()
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SCHEMA = "application/schema+json"


class SearchQuery(Schema):
    """GET parameters of /search and /collections/{id}/items (strings: parsed by the catalogue)."""

    collections: str | None = Field(None, description=doc.COLLECTIONS)
    ids: str | None = Field(None, description=doc.IDS)
    bbox: str | None = None
    intersects: str | None = Field(None, description=doc.INTERSECTS)
    datetime: str | None = None
    limit: str | None = Field(None, description=doc.LIMIT)
    sortby: str | None = Field(None, description=doc.SORTBY)
    fields: str | None = None
    filter: str | None = Field(None, description=doc.FILTER)
    filter_lang: str | None = Field(None, alias="filter-lang")
    token: str | None = Field(None, description=doc.TOKEN)


class SearchBody(Schema):
    """The JSON body of POST /search."""

    model_config = {"json_schema_extra": {"description": doc.BODY}}

    # One collection id as a bare string is taken too (stac-api-validator sends that).
    collections: list[str] | str | None = Field(None, description=doc.COLLECTIONS)
    ids: list[str] | None = Field(None, description=doc.IDS)
    bbox: list[float] | None = None
    intersects: dict[str, Any] | None = Field(None, description=doc.INTERSECTS)
    datetime: str | None = None
    limit: int | None = Field(None, description=doc.LIMIT)
    sortby: list[dict[str, Any]] | None = Field(None, description=doc.SORTBY)
    fields: dict[str, list[str] | None] | None = None
    filter: dict[str, Any] | str | None = Field(None, description=doc.FILTER)
    filter_lang: str | None = Field(None, alias="filter-lang")
    token: str | None = Field(None, description=doc.TOKEN)

    @field_validator("fields", mode="before")
    @classmethod
    def fields_is_an_object(cls, value: Any) -> Any:
        # Leaving `fields` out asks for whole items; `"fields": null` asks for nothing valid.
        if value is None:
            raise ValueError("must be an object with include and/or exclude")
        return value


def _json(document: dict[str, Any], content_type: str = JSON) -> JsonResponse:
    return JsonResponse(document, content_type=content_type)


@router.get("/", summary="Landing page", **doc.documented(JSON))
def landing(request: HttpRequest) -> JsonResponse:
    """The API's entry point: what it conforms to and where everything is (GET /api/v1/)."""
    urls = Urls(request)
    children = [
        {
            "rel": "child",
            "href": urls.api(stac_path(collection_id=stac_id)),
            "type": JSON,
            "title": title,
        }
        for stac_id, title in ((c.stac_id, c.title) for c in request.viewer.collections)
    ]
    return _json(
        {
            "type": "Catalog",
            "id": "catalog-portal",
            "stac_version": "1.0.0",
            "title": "Catalog Portal",
            "description": "Earth-observation data described by STAC: orthophotos, Sentinel-1 "
            "and Sentinel-2.",
            "conformsTo": CONFORMS_TO,
            "links": [
                {"rel": "self", "href": urls.api(), "type": JSON},
                {"rel": "root", "href": urls.api(), "type": JSON},
                {"rel": "conformance", "href": urls.api("conformance"), "type": JSON},
                {"rel": "data", "href": urls.api("collections"), "type": JSON},
                {"rel": "search", "href": urls.api("search"), "type": GEOJSON, "method": "GET"},
                {"rel": "search", "href": urls.api("search"), "type": GEOJSON, "method": "POST"},
                {
                    "rel": QUERYABLES_REL,
                    "href": urls.api("queryables"),
                    "type": "application/schema+json",
                },
                {
                    "rel": "service-desc",
                    "href": urls.api("openapi.json"),
                    "type": "application/vnd.oai.openapi+json;version=3.0",
                },
                {"rel": "service-doc", "href": urls.api("docs"), "type": "text/html"},
                *children,
            ],
        }
    )


@router.get("/conformance", summary="Conformance classes", **doc.documented(JSON))
def conformance(request: HttpRequest) -> JsonResponse:
    """The conformance classes implemented (GET /api/v1/conformance)."""
    return _json({"conformsTo": CONFORMS_TO})


@router.get("/queryables", summary="Queryables of all collections", **doc.documented(SCHEMA))
def queryables(request: HttpRequest) -> JsonResponse:
    """What /search filters may name, across the visible collections (GET /api/v1/queryables)."""
    schema = queryables_for(collections=request.viewer.collections)
    schema["$id"] = Urls(request).api("queryables")
    return _json(schema, SCHEMA)


@router.get("/collections", summary="Collections", **doc.documented(JSON))
def collections(request: HttpRequest) -> JsonResponse:
    """Every collection the caller may see (GET /api/v1/collections)."""
    urls = Urls(request)
    documents = [collection_document(c, urls) for c in request.viewer.collections]
    return _json(
        {
            "collections": documents,
            "links": [
                {"rel": "self", "href": urls.api("collections"), "type": JSON},
                {"rel": "root", "href": urls.api(), "type": JSON},
                {"rel": "parent", "href": urls.api(), "type": JSON},
            ],
        }
    )


def _collection(request: HttpRequest, collection_id: str):
    # From the request's scope, which the items routes search in too: one read for both.
    collection = request.viewer.collection(collection_id)
    if collection is None:
        raise NotFound(f"no collection {collection_id}")
    return collection


# Ids may hold "/" (path converters), so a longer route comes before the routes whose id
# could swallow its tail: an item before a collection's items, queryables and the collection.
@router.get(
    "/collections/{path:collection_id}/items/{path:item_id}",
    summary="An item",
    **doc.documented(GEOJSON, not_found=True),
)
def item(request: HttpRequest, collection_id: str, item_id: str) -> JsonResponse:
    """One item (GET /api/v1/collections/{collection_id}/items/{item_id})."""
    found = visible_item(user=request.user, collection_id=collection_id, item_id=item_id)
    if found is None:
        raise NotFound(f"no item {item_id} in collection {collection_id}")
    return _json(item_document(found, found.collection, Urls(request)), GEOJSON)


@router.get(
    "/collections/{path:collection_id}/queryables",
    summary="Queryables of a collection",
    **doc.documented(SCHEMA, not_found=True),
)
def collection_queryables(request: HttpRequest, collection_id: str) -> JsonResponse:
    """What filters on this collection's items may name (GET .../{collection_id}/queryables)."""
    schema = queryables_for(collections=[_collection(request, collection_id)])
    schema["$id"] = Urls(request).api(f"{stac_path(collection_id=collection_id)}/queryables")
    return _json(schema, SCHEMA)


@router.get(
    "/collections/{path:collection_id}/items",
    summary="Items of a collection",
    **doc.documented(GEOJSON, not_found=True),
)
def collection_items(
    request: HttpRequest, collection_id: str, query: Query[SearchQuery]
) -> JsonResponse:
    """A page of the collection's items (GET /api/v1/collections/{collection_id}/items)."""
    _collection(request, collection_id)
    search = search_from_params(
        collections=[collection_id],
        bbox=query.bbox,
        datetime=query.datetime,
        filter=query.filter,
        filter_lang=query.filter_lang,
        sortby=query.sortby,
        limit=query.limit,
    )
    page = item_search(viewer=request.viewer, search=search, token=query.token)
    return item_collection_response(request, page, fields=parse_fields(query.fields))


@router.get(
    "/collections/{path:collection_id}",
    summary="A collection",
    **doc.documented(JSON, not_found=True),
)
def collection(request: HttpRequest, collection_id: str) -> JsonResponse:
    """One collection (GET /api/v1/collections/{collection_id})."""
    return _json(collection_document(_collection(request, collection_id), Urls(request)))


@router.get("/search", summary="Search items (GET)", **doc.documented(GEOJSON))
def search_get(request: HttpRequest, query: Query[SearchQuery]) -> JsonResponse:
    """Items matching the query string's search (GET /api/v1/search)."""
    search = search_from_params(**query.model_dump(exclude={"fields", "token"}))
    page = item_search(viewer=request.viewer, search=search, token=query.token)
    return item_collection_response(request, page, fields=parse_fields(query.fields))


@router.post("/search", summary="Search items (POST)", **doc.documented(GEOJSON))
def search_post(request: HttpRequest, body: SearchBody) -> JsonResponse:
    """Items matching the JSON body's search (POST /api/v1/search)."""
    search = search_from_params(**body.model_dump(exclude={"fields", "token"}))
    page = item_search(viewer=request.viewer, search=search, token=body.token)
    sent = body.model_dump(by_alias=True, exclude_none=True, exclude={"token"})
    return item_collection_response(request, page, fields=parse_fields(body.fields), post_body=sent)
