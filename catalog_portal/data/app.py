"""The data API: read-only HTTP access to catalogued files below DATA_ROOT, at /data/<path>.

Programs read COGs from here the way they read them from object storage: GDAL's /vsicurl/
(and so rasterio, odc-stac) sends Range requests, which Starlette's FileResponse answers
(single and multiple ranges, 206/416, ETag, Last-Modified, If-Range) while streaming from disk.
Members of ZIP archives are files too: ``/data/<archive>.zip/<member path>`` (``zips.py``),
and so are remote files in allow-listed object storage and HTTP(S) sources, at
``/data/~s3/<bucket>/<key>`` and ``/data/~https/<host>/<path>``: proxied or redirected to a
presigned URL (``remote.py``; ``catalog/remote_assets.py`` says which are published so).

A file is served only when an item the caller may see names it as an asset (the file itself,
or the archive it is in); anything else, a restricted file included, is a plain 404, so its
existence is not given away. The caller is who their API token (``Authorization: Bearer``),
their session cookie or a signed URL (``signed_urls.py``) says.
"""

from __future__ import annotations

import logging
import mimetypes

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from catalog_portal.accounts.authentication import Credentials, InvalidToken, SignatureInvalid
from catalog_portal.accounts.tokens import WWW_AUTHENTICATE
from catalog_portal.data.files import RemoteDataFile, data_file_lookup
from catalog_portal.data.remote import (
    RemoteResponse,
    RemoteUnavailable,
    presigned_url,
    redirects,
    remote_file_stat,
)
from catalog_portal.data.signed_urls import is_signed
from catalog_portal.data.zips import MemberResponse
from catalog_portal.lib.asgi_django import django_call
from catalog_portal.lib.asgi_errors import UnexpectedErrors, error_response, status_handlers
from catalog_portal.lib.etags import etag_matches

logger = logging.getLogger(__name__)

# Files change only when they are re-ingested; an hour keeps map clients and GDAL from
# asking again for every block, and ETags make a later check cheap.
MAX_AGE = 3600


class FileNotFound(LookupError):
    """No such file, or one the caller may not read: both answer 404, so neither is revealed."""


# The data API's one error table; anything else is a 500 without its text (UnexpectedErrors).
STATUS_CODES: dict[type[Exception], int] = {
    SignatureInvalid: 403,
    FileNotFound: 404,
    RemoteUnavailable: 502,
}


def invalid_token_answer(request: Request, error: Exception) -> JSONResponse:
    """401 with the challenge every front door sends for a token that names nobody."""
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE}
    return error_response(status=401, description=str(error), headers=headers)


async def data_file(request: Request) -> Response:
    """A catalogued file, whole or in byte ranges (GET and HEAD /data/<path>)."""
    found = await django_call(
        data_file_lookup,
        credentials=Credentials.of(headers=request.headers, cookies=request.cookies),
        relative=request.path_params["path"],
        query=dict(request.query_params),
    )
    if found is None:
        raise FileNotFound("no such file")
    # Restricted bytes, and anything fetched with a signature, are for this caller only.
    private = found.restricted or is_signed(request.query_params)
    headers = {"Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}"}
    if isinstance(found, RemoteDataFile):
        if redirects(found.source):
            url = await anyio.to_thread.run_sync(
                lambda: presigned_url(source=found.source, href=found.href)
            )
            # The presigned URL is this caller's, for a short while: nobody keeps the answer.
            return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
        response = await _remote_response(found, headers=headers)
    elif found.member is not None:
        response: Response = MemberResponse(
            found.member, stat=found.stat, media_type=found.media_type, headers=headers
        )
    else:
        response = FileResponse(
            found.path, stat_result=found.stat, media_type=found.media_type, headers=headers
        )
    return _conditional(request, response)


async def _remote_response(found: RemoteDataFile, *, headers: dict[str, str]) -> Response:
    """The remote file's bytes through the portal (one request to the store for its size)."""
    stat = await anyio.to_thread.run_sync(
        lambda: remote_file_stat(source=found.source, href=found.href)
    )
    if stat is None:
        logger.warning("catalogued file %s is missing from its store", found.href)
        raise FileNotFound("no such file")
    media_type = (
        found.media_type or mimetypes.guess_type(found.href)[0] or "application/octet-stream"
    )
    return RemoteResponse(stat, media_type=media_type, headers=headers)


def _conditional(request: Request, response: Response) -> Response:
    """304 when the caller's copy (If-None-Match) is the file's, else ``response``."""
    if etag_matches(header=request.headers.get("if-none-match"), etag=response.headers["etag"]):
        kept = ("etag", "last-modified", "cache-control")
        return Response(status_code=304, headers={name: response.headers[name] for name in kept})
    return response


def create_data_app() -> Starlette:
    """Build the ASGI app served under /data."""
    return Starlette(
        routes=[Route("/{path:path}", data_file, methods=["GET", "HEAD"])],
        exception_handlers={**status_handlers(STATUS_CODES), InvalidToken: invalid_token_answer},
        middleware=[Middleware(UnexpectedErrors)],
    )
