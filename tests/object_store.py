"""Real remote storage on 127.0.0.1 for tests of assets that live elsewhere: an S3-protocol
server (moto's standalone server, in a child process) that GDAL's /vsis3/ and boto3 talk to
over HTTP, and an HTTP file server with Range support that counts the requests it gets (for
HTTPS-style sources, and as the SSRF canary nobody may reach)."""

from __future__ import annotations

import collections
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

from werkzeug.serving import make_server
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from catalog_portal.catalog.asset_sources import AssetSource, asset_sources_parse, s3_client
from tests.conftest import free_port

# moto accepts any keys; these only make GDAL and boto3 sign their requests.
ACCESS_KEY_ID = "portal-test-key"
SECRET_ACCESS_KEY = "portal-test-secret"
CREDENTIALS_NAME = "TEST_S3"


class MotoServer:
    """``with MotoServer() as store: store.endpoint``: moto's S3 server in a child process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError):
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def source(self, bucket: str, prefix: str = "", *, signed: bool = True) -> AssetSource:
        """An allow-listed source for ``s3://bucket/prefix`` on this server (path-style, as
        for MinIO), with the test keys unless ``signed`` is False (a public bucket)."""
        environment = self.environment(bucket, prefix, signed=signed)
        (source,) = asset_sources_parse(
            "ASSET_SOURCES",
            environment.pop("ASSET_SOURCES"),
            secret=lambda name: environment.get(name, ""),
        )
        return source

    def environment(self, bucket: str, prefix: str = "", *, signed: bool = True) -> dict[str, str]:
        """The same source as a portal process reads it: ASSET_SOURCES and the test keys."""
        query = f"endpoint={self.endpoint}&path_style=true&region=us-east-1"
        if not signed:
            return {"ASSET_SOURCES": f"s3://{bucket}/{prefix}?{query}"}
        return {
            "ASSET_SOURCES": f"s3://{bucket}/{prefix}?{query}&credentials={CREDENTIALS_NAME}",
            f"{CREDENTIALS_NAME}_ACCESS_KEY_ID": ACCESS_KEY_ID,
            f"{CREDENTIALS_NAME}_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        }

    def bucket_create(self, bucket: str) -> None:
        """Create ``bucket`` (again: moto keeps what it holds until the server stops)."""
        client = s3_client(self.source(bucket))
        existing = {found["Name"] for found in client.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)

    def upload(self, bucket: str, key: str, path: Path) -> str:
        """Upload the file at ``path`` as ``key``; returns its ``s3://`` href."""
        s3_client(self.source(bucket)).upload_file(str(path), bucket, key)
        return f"s3://{bucket}/{key}"


class RangeFileServer:
    """``with RangeFileServer(root) as server: server.url``: files below ``root`` over HTTP
    with Range and HEAD (werkzeug's send_file), a count of requests per path (``requests``),
    and redirects set by a test (``redirects[path] = url``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.requests: collections.Counter[str] = collections.Counter()
        self.redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    @property
    def request_count(self) -> int:
        """How many requests reached this server."""
        with self._lock:
            return sum(self.requests.values())

    def _app(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests[request.path] += 1
        if request.path in self.redirects:
            response = Response(status=302, headers={"Location": self.redirects[request.path]})
            return response(environ, start_response)
        path = (self.root / request.path.lstrip("/")).resolve() if self.root else None
        if path is None or not path.is_relative_to(self.root.resolve()) or not path.is_file():
            return Response("not found", status=404)(environ, start_response)
        response = send_file(path, environ, conditional=True, max_age=0)
        return response(environ, start_response)

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def source(self, prefix: str = "") -> AssetSource:
        """An allow-listed source for this server's ``prefix`` (plain http: listed outright)."""
        (source,) = asset_sources_parse(
            "ASSET_SOURCES", f"{self.url}/{prefix}", secret=lambda name: ""
        )
        return source


def item_files_to_store(item, *, upload) -> dict[str, str]:
    """Move the local files of ``item``'s assets to remote storage: ``upload(path, name)``
    stores the file at ``path`` and returns its remote href; the item then names those hrefs
    (saved, and recorded as ingest records them). Returns {local href: remote href}."""
    from catalog_portal.catalog.assets import asset_path
    from catalog_portal.catalog.ingest import asset_files_replace

    moved = {}
    for asset in item.stac["assets"].values():
        path = asset_path(asset["href"])
        if path is not None and path.is_file():
            moved[asset["href"]] = upload(path, asset["href"].removeprefix("/data/"))
            asset["href"] = moved[asset["href"]]
    item.save(update_fields=["stac"])
    asset_files_replace(items=[item])
    return moved
