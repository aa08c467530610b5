"""Downloads of an explore search's results: every item the page's search matches, as GeoJSON,
CSV or newline-delimited STAC (GET /explore/download/?<the explore page's query>&format=…).

The query is read by the explore page's own code (``web/explore.py``), so a download holds
the items the page lists, in its order, for whoever asks: a session or an API token, like the
STAC API. Items are read a chunk at a time (``DOWNLOAD_CHUNK_ITEMS`` per query, keyset
tokens, no OFFSET) and streamed, so the portal holds one chunk and its queries grow with the
chunks, never with the items. Items are the STAC API's documents (``api/documents.py``):
links and asset hrefs are the ones /api/v1 gives.

A search matching more than ``DOWNLOAD_MAX_ITEMS`` is refused with 400 before anything is
sent: a file cut short at the cap would look complete, and neither JSON nor CSV has room for
a note saying otherwise. ``X-Item-Count`` says how many items matched when the download began.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from catalog_portal.api.documents import Urls, item_document
from catalog_portal.catalog.access import Viewer
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.search import InvalidParameter, ItemSearch, item_count, item_search
from catalog_portal.web.download_formats import FORMAT_NAMES, DownloadFormat, download_format
from catalog_portal.web.explore import ExploreState, explore_request

# The explore page's download links: the format's name as people know it, and its parameter.
LINKS = (("GeoJSON", "geojson"), ("CSV", "csv"), ("NDJSON", "ndjson"))


def download_links(state: ExploreState) -> list[tuple[str, str]]:
    """(label, URL) of a download of ``state``'s results per format: the same query, without
    the page's token or its preview."""
    url = reverse("explore-download")
    return [(label, f"{url}?{state.query(preview='', format=name)}") for label, name in LINKS]


@require_GET
def explore_download(request: HttpRequest) -> StreamingHttpResponse:
    """The explore search's results as a file (GET /explore/download/?…&format=geojson|csv|
    ndjson); a bad parameter, or more items than a download holds, is the 400 page."""
    viewer = request.viewer
    chosen, state = explore_request(request.GET, collections=list(viewer.collections))
    searched = [chosen] if chosen else viewer.collections
    file_format = download_format(request.GET.get("format", ""), collections=searched)
    if file_format is None:
        raise InvalidParameter("format", f"is one of {', '.join(FORMAT_NAMES)}")
    search = state.search(limit=settings.DOWNLOAD_CHUNK_ITEMS)
    most = settings.DOWNLOAD_MAX_ITEMS
    count, exact = item_count(viewer=viewer, search=search, cap=most)
    if count > most or not exact:  # a whole-collections count is exact beyond the cap too
        raise InvalidParameter(
            "search",
            f"more than {most} items match, more than a download holds; narrow the search "
            "(dataset, dates, area or properties) or page through the STAC API's /search",
        )
    chunks = _file_chunks(file_format, viewer=viewer, search=search, urls=Urls(request), most=most)
    # Under ASGI, Django wants an async iterator, or it reads a sync one whole into memory.
    content = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=file_format.media_type)
    response["Content-Disposition"] = content_disposition_header(
        True, _file_name(chosen, file_format)
    )
    response["X-Item-Count"] = str(count)
    # What a download holds depends on who asks: no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie", "Authorization"))
    return response


def _file_chunks(
    file_format: DownloadFormat, *, viewer: Viewer, search: ItemSearch, urls: Urls, most: int
) -> Iterator[bytes]:
    """The file, a chunk of items (one query) at a time, never more than ``most`` items: the
    count was taken before, and items added since must not stretch the file past the cap."""
    yield file_format.header()
    token, written = None, 0
    while written < most:
        page = item_search(viewer=viewer, search=search, token=token)
        items = page.items[: most - written]
        documents = [
            (item, item_document(item, page.collections[item.collection_id], urls))
            for item in items
        ]
        yield file_format.chunk(documents, first=written == 0)
        written += len(items)
        token = page.next_token
        if token is None:
            break
    yield file_format.footer(written=written)


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` for ASGI: each is made (its query run) in the request's own thread, where
    Django runs its sync views, so it uses the request's database connection, which Django
    closes when the response ends."""
    read = sync_to_async(next, thread_sensitive=True)
    while (chunk := await read(chunks, None)) is not None:
        yield chunk


def _file_name(chosen: Collection | None, file_format: DownloadFormat) -> str:
    """The collection (or "all-datasets") and today's date: ``sentinel-2-2026-11-30.csv``."""
    subject = (slugify(chosen.stac_id) if chosen else "") or "all-datasets"
    return f"{subject}-{timezone.now().date().isoformat()}.{file_format.extension}"
