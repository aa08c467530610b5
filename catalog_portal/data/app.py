"""The data API: read-only HTTP access to catalogued files below DATA_ROOT, at /data/<path>.

Programs read COGs from here the way they read them from object storage: GDAL's /vsicurl/
(and so rasterio, odc-stac) sends Range requests, which Starlette's FileResponse answers
(single and multiple ranges, 206/416, ETag, Last-Modified, If-Range) while streaming from disk.
Members of ZIP archives are files too: ``/data/<archive>.zip/<member path>`` (``zips.py``).

A file is served only when an item the caller may see names it as an asset (the file itself,
or the archive it is in); anything else, a restricted file included, is a plain 404, so its
existence is not given away. The caller is who their API token (``Authorization: Bearer``),
their session cookie or a signed URL (``signing.py``) says.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from catalog_portal.accounts.authentication import Credentials, InvalidToken, SignatureInvalid
from catalog_portal.accounts.tokens import WWW_AUTHENTICATE
from catalog_portal.data.files import data_file_lookup
from catalog_portal.data.signing import is_signed
from catalog_portal.data.zips import MemberResponse
from catalog_portal.lib.asgi_django import django_call
from catalog_portal.lib.db_errors import DATABASE_UNAVAILABLE, database_failure
from catalog_portal.lib.etags import etag_matches

# Files change only when they are re-ingested; an hour keeps map clients and GDAL from
# asking again for every block, and ETags make a later check cheap.
MAX_AGE = 3600


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"code": code, "description": description}, status_code=status)


async def data_file(request: Request) -> Response:
    """A catalogued file, whole or in byte ranges (GET and HEAD /data/<path>)."""
    try:
        found = await django_call(
            data_file_lookup,
            credentials=Credentials.of(headers=request.headers, cookies=request.cookies),
            relative=request.path_params["path"],
            query=dict(request.query_params),
        )
    except InvalidToken as error:
        response = _error(401, "Unauthorized", str(error))
        response.headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        return response
    except SignatureInvalid as error:
        return _error(403, "Forbidden", str(error))
    if found is None:
        return _error(404, "NotFound", "no such file")
    # Restricted bytes, and anything fetched with a signature, are for this caller only.
    private = found.restricted or is_signed(request.query_params)
    headers = {"Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}"}
    if found.member is not None:
        response: FileResponse = MemberResponse(
            found.member, stat=found.stat, media_type=found.media_type, headers=headers
        )
    else:
        response = FileResponse(
            found.path, stat_result=found.stat, media_type=found.media_type, headers=headers
        )
    if etag_matches(header=request.headers.get("if-none-match"), etag=response.headers["etag"]):
        kept = ("etag", "last-modified", "cache-control")
        return Response(status_code=304, headers={name: response.headers[name] for name in kept})
    return response


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """503 with Retry-After when the catalogue's database failed; its words stay in the log."""
    failure = database_failure(error=exc, path=request.url.path)
    response = _error(failure.status, "ServiceUnavailable", failure.message)
    response.headers.update(failure.headers)
    return response


def create_data_app() -> Starlette:
    """Build the ASGI app served under /data."""
    return Starlette(
        routes=[Route("/{path:path}", data_file, methods=["GET", "HEAD"])],
        exception_handlers=dict.fromkeys(DATABASE_UNAVAILABLE, database_unavailable),
    )
