"""The data API: read-only HTTP access to catalogued files below DATA_ROOT, at /data/<path>.

Programs read COGs from here the way they read them from object storage: GDAL's /vsicurl/
(and so rasterio, odc-stac) sends Range requests, which Starlette's FileResponse answers
(single and multiple ranges, 206/416, ETag, Last-Modified, If-Range) while streaming from disk.
A file is served only when an item the caller may see names it as an asset; anything else,
a restricted file included, is a plain 404, so its existence is not given away.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from catalog_portal.catalog.assets import DATA_HREF_PREFIX, asset_path, data_path
from catalog_portal.lib.asgi_django import django_call, user_from_cookies

# Files change only when they are re-ingested; an hour keeps map clients and GDAL from
# asking again for every block, and ETags make a later check cheap.
MAX_AGE = 3600


@dataclass(frozen=True)
class DataFile:
    """A file the caller may read."""

    path: Path
    stat: os.stat_result
    media_type: str | None
    restricted: bool


def data_file_lookup(*, cookies: dict[str, str], relative: str) -> DataFile | None:
    """The file at ``relative`` below DATA_ROOT, if the caller may read it (sync, ORM)."""
    from catalog_portal.catalog.selectors import visible_asset_file

    path = data_path(DATA_HREF_PREFIX + relative)
    if path is None:
        return None
    found = visible_asset_file(user=user_from_cookies(cookies), path=path)
    local = asset_path(DATA_HREF_PREFIX + path) if found is not None else None
    try:
        stat = local.stat() if local is not None else None
    except OSError:  # catalogued, but the file is gone
        return None
    if stat is None or not local.is_file():
        return None
    return DataFile(
        path=local,
        stat=stat,
        media_type=found.media_type or None,
        restricted=found.item.collection.is_restricted,
    )


async def data_file(request: Request) -> Response:
    """A catalogued file, whole or in byte ranges (GET and HEAD /data/<path>)."""
    found = await django_call(
        data_file_lookup, cookies=request.cookies, relative=request.path_params["path"]
    )
    if found is None:
        return JSONResponse({"code": "NotFound", "description": "no such file"}, status_code=404)
    scope = "private" if found.restricted else "public"
    response = FileResponse(
        found.path,
        stat_result=found.stat,
        media_type=found.media_type,
        headers={"Cache-Control": f"{scope}, max-age={MAX_AGE}"},
    )
    if etag_matches(request.headers.get("if-none-match"), response.headers["etag"]):
        kept = ("etag", "last-modified", "cache-control")
        return Response(status_code=304, headers={name: response.headers[name] for name in kept})
    return response


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weakly compared, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def create_data_app() -> Starlette:
    """Build the ASGI app served under /data."""
    return Starlette(routes=[Route("/{path:path}", data_file, methods=["GET", "HEAD"])])
