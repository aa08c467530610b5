"""HTML pages (and the health check). Views read the catalogue only through the access layer."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from catalog_portal.catalog.access import collection_may_share
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.remote_assets import asset_href_url
from catalog_portal.catalog.search import item_count, item_search
from catalog_portal.catalog.selectors import catalog_overview, visible_collection, visible_item
from catalog_portal.catalog.sharing import collection_access_list
from catalog_portal.lib.db_errors import database_failure_of, django_response_finish
from catalog_portal.lib.urls import api_url_build, item_tiles_path_build, stac_path
from catalog_portal.tiles.page_layers import search_layer
from catalog_portal.web.asset_details import asset_details
from catalog_portal.web.back_link import explore_back_url
from catalog_portal.web.docs import doc_page, doc_pages
from catalog_portal.web.downloads import download_links
from catalog_portal.web.explore import (
    DEFAULT_SORT,
    PAGE_SIZE,
    PAGE_SIZES,
    explore_request,
    result_rows,
    temporal_extent,
)
from catalog_portal.web.gallery import gallery_cards
from catalog_portal.web.markdown import markdown_html
from catalog_portal.web.metadata import (
    item_providers,
    metadata_groups,
    role_labels,
    summary_rows,
    timestamp_utc,
)
from catalog_portal.web.render_choice import render_chosen, render_options
from catalog_portal.web.share_form import ShareForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the portal is and its featured collections (GET /)."""
    overview = catalog_overview(viewer=request.viewer)
    return render(request, "web/home.html", {"featured": overview.featured})


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """The data catalogue: the collections the visitor may see, searchable and by category
    (GET /catalog/?q=<words>&tab=<all|featured|category>)."""
    overview = catalog_overview(viewer=request.viewer)
    query = request.GET.get("q", "").strip()
    found = overview.matching(query)
    tabs = [
        ("all", _("All"), len(found)),
        ("featured", _("Featured"), sum(c.featured for c in found)),
    ]
    for value, label in Collection.Category.choices:
        count = sum(c.category == value for c in found)
        if count:
            tabs.append((value, label, count))
    tab = request.GET.get("tab", "all")
    if tab not in {value for value, _label, _count in tabs}:
        tab = "all"
    shown = [
        c for c in found if tab == "all" or (c.featured if tab == "featured" else c.category == tab)
    ]
    return render(
        request,
        "web/catalog.html",
        {
            "overview": overview,
            "collections": shown,
            "query": query,
            "tabs": [t for t in tabs if t[2] or t[0] == "all"],
            "tab": tab,
            "tab_label": next(label for value, label, _count in tabs if value == tab),
        },
    )


# The explore page counts matches up to this many; beyond, it says "more than". Counting to
# 10,000 made a filtered explore page 825 ms (p95) at a million items; to 1,000, 51 ms
# (bench/pages.py).
EXPLORE_COUNT_CAP = 1_000


@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    """Items over a map, filtered by dataset, dates, area and properties (GET /explore/)."""
    # The visitor's scope, read once: the form's collections, the search and the count.
    viewer = request.viewer
    collections = catalog_overview(viewer=viewer).collections
    # A bad parameter raises InvalidParameter: the 400 page names it (web/error_pages.py).
    chosen, state = explore_request(request.GET, collections=collections)
    context = {"collections": collections, "chosen": chosen, "cap": EXPLORE_COUNT_CAP}
    search = state.search()
    page = item_search(viewer=viewer, search=search, token=state.token or None)
    count, exact = item_count(viewer=viewer, search=search, cap=EXPLORE_COUNT_CAP)
    stac_ids = {pk: c.stac_id for pk, c in page.collections.items()}
    features = [
        {
            "type": "Feature",
            "geometry": item.geometry,
            "properties": {
                "id": item.stac_id,
                "collection": stac_ids[item.collection_id],
                "datetime": item.datetime.isoformat(),
            },
        }
        for item in page.items
    ]
    # The chosen collection's dates bound the date inputs and, when dates were searched and
    # nothing matched, are offered as the search that finds its items.
    first_day, last_day = temporal_extent(chosen) if chosen else (None, None)
    dated = bool(first_day and last_day and (state.start or state.end))
    # The preview mosaic of the same search, as its map adds it: registered now, so that the
    # map asks for its tiles at once (tiles/page_layers.py); None if the tile server refuses it.
    preview = search_layer(viewer=viewer, query=state.mosaic_search()) if state.preview else None
    context.update(
        state=state,
        page=page,
        rows=result_rows(page.items, collection_ids=stac_ids, chosen=chosen),
        first_day=first_day,
        last_day=last_day,
        extent_query=(
            state.query(start=first_day.isoformat(), end=last_day.isoformat(), token="")
            if dated
            else ""
        ),
        count=count,
        exact=exact,
        features={"type": "FeatureCollection", "features": features},
        preview_layer=preview.as_json() if preview else None,
        # The code snippets of the same search: the same query, without paging or preview.
        snippet_url=f"{reverse('snippets:search')}?{state.query(preview='', sort='', limit='')}",
        download_links=download_links(state),
        page_sizes=PAGE_SIZES,
        # Defaults the form leaves out of the URL.
        default_sort=DEFAULT_SORT,
        default_page_size=PAGE_SIZE,
        next_query=state.query(token=page.next_token) if page.next_token else "",
        prev_query=state.query(token=page.prev_token) if page.prev_token else "",
    )
    return render(request, "web/explore.html", context)


@require_GET
def collection_page(request: HttpRequest, collection_id: str) -> HttpResponse:
    """A collection: description, extents, provenance, summaries (GET /collections/<c>/)."""
    collection = visible_collection(user=request.user, stac_id=collection_id)
    if collection is None:
        raise Http404("No such collection")
    return collection_page_render(request, collection)


def collection_page_render(
    request: HttpRequest,
    collection: Collection,
    *,
    share_form: ShareForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of a collection the user may see; ``share_form`` is a refused share's form,
    shown again with what was typed and why it was refused."""
    may_share = collection_may_share(user=request.user, collection=collection)
    stac = collection.stac
    extent = stac.get("extent") or {}
    bbox = ((extent.get("spatial") or {}).get("bbox") or [None])[0]
    interval = ((extent.get("temporal") or {}).get("interval") or [[None, None]])[0]
    return render(
        request,
        "web/collection.html",
        {
            "collection": collection,
            "description": markdown_html(collection.description),
            "bbox": bbox,
            "interval": [timestamp_utc(t) if t else None for t in interval],
            "license": stac.get("license", ""),
            "providers": [
                {**provider, "roles": role_labels(provider.get("roles"))}
                for provider in stac.get("providers") or []
                if isinstance(provider, dict)
            ],
            "summaries": summary_rows(stac.get("summaries") or {}),
            "item_assets": [
                {"key": key, **asset, "roles": role_labels(asset.get("roles"))}
                for key, asset in (stac.get("item_assets") or {}).items()
            ],
            "stac_url": api_url_build(
                path=stac_path(collection_id=collection.stac_id),
                absolute=request.build_absolute_uri,
            ),
            # Who has access, and the form to share: for the owner and administrators only.
            "access": collection_access_list(collection=collection) if may_share else None,
            "share_form": (share_form or ShareForm()) if may_share else None,
        },
        status=status,
    )


def _asset_href(request: HttpRequest, href: object, restricted: bool) -> str:
    """An asset's link as the STAC API publishes it (``catalog/remote_assets.py``)."""
    if not isinstance(href, str):
        return ""
    return asset_href_url(href, restricted=restricted, absolute=request.build_absolute_uri)


@require_GET
def item_page(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    """An item over the map, with its metadata and assets, drawn with one of its collection's
    renders (GET /collections/<c>/items/<i>/?render=<name>&back=<explore URL>)."""
    item = visible_item(user=request.user, collection_id=collection_id, item_id=item_id)
    if item is None:
        raise Http404("No such item")
    collection = item.collection
    renders = collection.stac.get("renders")
    renders = renders if isinstance(renders, dict) else {}
    # An unknown render is a 400 naming the known ones, as the tile server answers it.
    chosen = render_chosen(renders=renders, requested=request.GET.get("render"))
    api_item = api_url_build(
        path=stac_path(collection_id=collection_id, item_id=item_id),
        absolute=request.build_absolute_uri,
    )
    described = collection.stac.get("item_assets")
    described = described if isinstance(described, dict) else {}
    assets = [
        asset_details(
            key=key,
            asset=asset,
            described=described.get(key) if isinstance(described.get(key), dict) else {},
            href=_asset_href(request, asset.get("href"), collection.is_restricted),
        )
        for key, asset in item.assets.items()
        if isinstance(asset, dict)
    ]
    # The page asks a tilejson for its tile URLs (titiler's, with the chosen render).
    tilejson = (
        item_tiles_path_build(
            collection_id=collection_id, item_id=item_id, path="WebMercatorQuad/tilejson.json"
        )
        if item.assets
        else ""
    )
    options = (
        render_options(renders=renders, tilejson=tilejson, assets=item.assets) if tilejson else []
    )
    chosen_option = next((o for o in options if o.name == chosen), None)
    response = render(
        request,
        "web/item.html",
        {
            "item": item,
            "collection": collection,
            "groups": metadata_groups(item.properties),
            "providers": item_providers(item=item.properties, collection=collection.stac),
            "assets": assets,
            "stac_url": api_item,
            "geometry": item.geometry,
            "tilejson": chosen_option.tilejson if chosen_option else tilejson,
            "renders": options,
            "render_chosen": chosen,
            "back": explore_back_url(
                given=request.GET.get("back"),
                referer=request.headers.get("Referer"),
                host=request.get_host(),
            ),
        },
    )
    # The back link may come from the Referer: a cache must not give it to another visitor.
    patch_vary_headers(response, ["Referer"])
    return response


@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    """Example analyses with their code and previews drawn by the tile server (GET /gallery/)."""
    cards = gallery_cards(
        viewer=request.viewer, api_url=api_url_build(absolute=request.build_absolute_uri)
    )
    return render(request, "web/gallery.html", {"cards": cards})


def docs(request: HttpRequest, slug: str = "python") -> HttpResponse:
    """A documentation page (GET /docs/ and /docs/<slug>/)."""
    language = get_language()
    page = doc_page(slug, portal_url=request.build_absolute_uri("/"), language=language)
    if page is None:
        raise Http404("No such page")
    return render(request, "web/docs.html", {"page": page, "pages": doc_pages(language=language)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the portal can reach its database (GET /healthz)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # Who is asking may be anyone: the database's words go to the log only.
        failure = database_failure_of(error)
        response = JsonResponse(
            {"status": "unavailable", "database": connection.vendor}, status=failure.status
        )
        return django_response_finish(request=request, response=response, error=error)
    return JsonResponse({"status": "ok", "database": connection.vendor})
