"""The tile app's one error table: domain exceptions and the HTTP status each one means.

Answers have the STAC API's shape (``lib/asgi_errors.py``) plus TiTiler's ``detail`` key; a
server-side failure (a file GDAL cannot read, anything unforeseen) shows no exception text.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from morecantile.errors import InvalidZoomError, MorecantileError
from rio_tiler.errors import (
    AssetAsBandError,
    EmptyMosaicError,
    InvalidAssetName,
    InvalidBandName,
    InvalidBufferSize,
    InvalidColorMapName,
    MissingAssets,
    NoAssetFoundError,
    PointOutsideBounds,
)
from starlette.responses import JSONResponse, Response
from titiler.core.errors import DEFAULT_STATUS_CODES

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.lib.asgi_django import InvalidToken
from catalog_portal.lib.asgi_errors import UnexpectedErrors, error_response, status_handlers


class ItemNotFound(LookupError):
    """No such item, or one the user may not see: both answer 404, so neither is revealed."""


class SearchNotFound(LookupError):
    """No registered search with this id."""


class RenderNotFound(ValueError):
    """A ``render`` parameter naming no render of the collection."""


class AssetNotServable(LookupError):
    """An asset whose href is of no allow-listed source (or redirects out of them): the tiler
    reads nothing else."""


class NoFootprint(LookupError):
    """An item without geometry: nothing places it on a map, so it has no tiles."""


class AssetFileMissing(LookupError):
    """An asset whose file is catalogued but not on disk (removed, or not copied yet): 404, as
    the data API answers for the same file, rather than GDAL's failure as a 500."""


class AssetUnreachable(RuntimeError):
    """An asset whose storage (S3, an HTTP server) does not answer or fails: 502, the
    portal's own fault being none."""


class NotModified(Exception):
    """The client's cached copy (If-None-Match) is current: answered 304 without rendering."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


STATUS_CODES: dict[type[Exception], int] = {
    # titiler's table without its catch-all: UnexpectedErrors answers what no entry names.
    **{error: status for error, status in DEFAULT_STATUS_CODES.items() if error is not Exception},
    ItemNotFound: 404,
    SearchNotFound: 404,
    AssetNotServable: 404,
    NoFootprint: 404,
    AssetFileMissing: 404,
    AssetUnreachable: 502,
    RenderNotFound: 400,
    InvalidParameter: 400,
    # A name the client chose: a bad parameter rather than a missing resource.
    InvalidAssetName: 400,
    InvalidBandName: 400,
    InvalidBufferSize: 400,
    InvalidColorMapName: 400,
    MissingAssets: 400,
    AssetAsBandError: 400,
    InvalidZoomError: 400,
    MorecantileError: 400,
    PointOutsideBounds: 404,
}
# A mosaic tile or image where no item of its search lies (or none has pixels there): nothing
# to draw is no error. 204 with no body, as titiler.mosaic answers; a map draws it as an empty
# tile, and the browser's console shows no failed request for each tile beside the items.
NOTHING_TO_DRAW = (NoAssetFoundError, EmptyMosaicError)


def validation_error_answer(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Bad query parameters are 400 with a message naming them (FastAPI says 422)."""
    messages = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        messages.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(status=400, description="; ".join(messages), with_detail=True)


def invalid_token_answer(request: Request, exc: InvalidToken) -> JSONResponse:
    """401 with the challenge every front door sends for a token that names nobody."""
    from catalog_portal.accounts.tokens import WWW_AUTHENTICATE

    return error_response(
        status=401,
        description=str(exc),
        headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        with_detail=True,
    )


def nothing_to_draw_answer(request: Request, exc: Exception) -> Response:
    """204 with the cache headers the search's items gave (an empty tile stays empty until
    they change)."""
    headers = dict(getattr(request.state, "cache_headers", {}))
    return Response(status_code=204, headers=headers)


def not_modified_answer(request: Request, exc: NotModified) -> Response:
    """304 with the headers the full answer would carry."""
    headers = dict(getattr(request.state, "cache_headers", {}))
    return Response(status_code=304, headers=headers)


def errors_install(*, app: FastAPI) -> None:
    """Map every domain exception to its status code on ``app``; call it after the app's
    other middleware is added, so that unexpected errors from those are answered too."""
    for error, handler in status_handlers(STATUS_CODES, with_detail=True).items():
        app.add_exception_handler(error, handler)
    app.add_exception_handler(RequestValidationError, validation_error_answer)
    app.add_exception_handler(NotModified, not_modified_answer)
    for nothing in NOTHING_TO_DRAW:
        app.add_exception_handler(nothing, nothing_to_draw_answer)
    app.add_exception_handler(InvalidToken, invalid_token_answer)
    app.add_middleware(UnexpectedErrors, with_detail=True)
