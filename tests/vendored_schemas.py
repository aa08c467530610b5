"""JSON schemas from tests/data/schemas/ in place of the web, for validators run offline.

stac-api-validator and the libraries under it (stac-validator, stac-check, pystac) download
the STAC, GeoJSON and extension schemas a document names. This machine has no network, so
requests for those hosts are answered from files at ``tests/data/schemas/<host>/<path>``
(where they came from: tests/data/schemas/README.md). Only these hosts are diverted; every
other request, such as those to the portal under test, goes out as usual.

Two doors are watched: urllib3's connection pools, through which ``requests`` (stac-validator,
stac-check) and pystac's own ``urllib3.PoolManager`` fetch, and the standard library's
``urllib`` opener (stac-validator's link checks, pystac without urllib3). A schema that is
not vendored is answered 404 and noted in ``missing``, so a test can say which file to add.
"""

from __future__ import annotations

import email.message
import io
import urllib.error
import urllib.request
import urllib.response
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from urllib3 import HTTPResponse
from urllib3.connectionpool import HTTPConnectionPool

SCHEMAS = Path(__file__).parent / "data" / "schemas"
SCHEMA_HOSTS = frozenset(
    {"schemas.stacspec.org", "geojson.org", "stac-extensions.github.io", "api.stacspec.org"}
)


class VendoredSchemas:
    """The vendored files by URL, and the schema URLs asked for that have no file."""

    def __init__(self, root: Path = SCHEMAS) -> None:
        self.root = root
        self.served: list[str] = []
        self.missing: list[str] = []

    def wants(self, url: str) -> bool:
        return urlsplit(url).hostname in SCHEMA_HOSTS

    def read(self, url: str) -> bytes | None:
        """The file for ``url`` (fragment and query ignored), or None when not vendored."""
        parts = urlsplit(url)
        path = (self.root / parts.hostname / parts.path.lstrip("/")).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            self.missing.append(url)
            return None
        self.served.append(url)
        return path.read_bytes()


class VendoredSchemaHandler(urllib.request.BaseHandler):
    """A ``urllib`` handler that answers the schema hosts from the vendored files."""

    handler_order = 100  # before the default HTTP(S) handlers, which would go to the network

    def __init__(self, schemas: VendoredSchemas) -> None:
        self.schemas = schemas

    def https_open(self, request: urllib.request.Request):
        url = request.full_url
        if not self.schemas.wants(url):
            return None  # not ours: the next handler opens it
        headers = email.message.Message()
        headers["Content-Type"] = "application/json"
        body = self.schemas.read(url)
        if body is None:
            raise urllib.error.HTTPError(url, 404, "Not vendored", headers, None)
        return urllib.response.addinfourl(io.BytesIO(body), headers, url, 200)

    http_open = https_open


@contextmanager
def vendored_schemas() -> Iterator[VendoredSchemas]:
    """Serve schema requests from the vendored files while the block runs."""
    schemas = VendoredSchemas()
    pool_urlopen = HTTPConnectionPool.urlopen

    def urlopen(pool: HTTPConnectionPool, method: str, url: str, *args, **kwargs):
        full_url = url if "://" in url else f"{pool.scheme}://{pool.host}{url}"
        if not schemas.wants(full_url):
            return pool_urlopen(pool, method, url, *args, **kwargs)
        body = schemas.read(full_url)
        return HTTPResponse(
            body=io.BytesIO(body or b""),
            headers={"Content-Type": "application/json"},
            status=404 if body is None else 200,
            reason="Not vendored" if body is None else "OK",
            preload_content=kwargs.get("preload_content", True),
            decode_content=kwargs.get("decode_content", True),
            request_url=full_url,
        )

    HTTPConnectionPool.urlopen = urlopen
    urllib.request.install_opener(urllib.request.build_opener(VendoredSchemaHandler(schemas)))
    try:
        yield schemas
    finally:
        HTTPConnectionPool.urlopen = pool_urlopen
        urllib.request.install_opener(None)
