"""The demo's files in object storage (``load_demo --storage s3://bucket/prefix``): the
generated COGs are uploaded to an S3 source of ASSET_SOURCES and catalogued by their
``s3://`` hrefs, so a portal with no local data folder serves the whole demo.

The target must lie inside an allow-listed S3 source: its endpoint, region, addressing and
credentials are the ones the portal reads it with, so what is uploaded is what the portal
may read, and nothing is sent anywhere the operator has not listed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog_portal.catalog.asset_sources import AssetSource, asset_source, s3_client
from catalog_portal.catalog.assets import data_path
from catalog_portal.demo.common import DemoCollection

# Uploads at once: the demo is ~900 small files, where a round trip costs more than the bytes.
UPLOAD_THREADS = 8


class StorageRefused(ValueError):
    """``--storage`` names no place the portal may read; the message says what to do."""


@dataclass(frozen=True)
class StorageTarget:
    """Where the demo's files go: an allow-listed S3 source and the href prefix below it
    (``s3://bucket/prefix/``)."""

    source: AssetSource
    prefix: str

    def href(self, relative: str) -> str:
        """The ``s3://`` href of the demo file at ``relative`` (its path below DATA_ROOT)."""
        return self.prefix + relative


def demo_storage_target(storage: str) -> StorageTarget:
    """The target ``storage`` (``s3://bucket/prefix``) names, checked against ASSET_SOURCES
    before anything is generated or sent; raises StorageRefused."""
    if not storage.startswith("s3://"):
        raise StorageRefused(f"--storage {storage!r} is not like s3://bucket/prefix")
    prefix = storage.rstrip("/") + "/"
    # A file name below the prefix stands in for every file: a source matches whole path
    # segments, so the prefix lies inside a source exactly when this name does.
    source = asset_source(prefix + "demo.tif")
    if source is None or source.kind != "s3":
        raise StorageRefused(
            f"--storage {storage!r} lies inside no s3:// source of ASSET_SOURCES: list its "
            "bucket (or a prefix above it) there, with its endpoint and credentials, e.g. "
            "ASSET_SOURCES='s3://bucket/demo?endpoint=http://127.0.0.1:9000&path_style=true"
            "&credentials=DEMO'"
        )
    return StorageTarget(source=source, prefix=prefix)


def demo_files_upload(
    *,
    collections: list[DemoCollection],
    data_root: Path,
    target: StorageTarget,
    progress: Callable[[str], None] = lambda _: None,
) -> list[DemoCollection]:
    """Upload the files of ``collections`` (generated below ``data_root``) to ``target``
    (making its bucket if there is none) and return the collections with ``s3://`` hrefs;
    ``collections`` are left as they were."""
    uploaded = copy.deepcopy(collections)
    files: list[tuple[Path, str, str]] = []  # (local file, object key, media type)
    for collection in uploaded:
        for item in collection.items:
            for asset in item["assets"].values():
                relative = data_path(asset.get("href"))
                if relative is None:
                    continue
                asset["href"] = target.href(relative)
                key = target.source.s3_key(asset["href"])
                if key is None:  # a generated name the source would not read back
                    raise StorageRefused(f"{asset['href']!r} is outside {target.source.url}")
                files.append((data_root / relative, key, str(asset.get("type") or "")))
    client = s3_client(target.source)
    _bucket_ensure(client, target.source)

    def upload(file: tuple[Path, str, str]) -> None:
        path, key, media_type = file
        extra = {"ContentType": media_type} if media_type else {}
        client.upload_file(str(path), target.source.bucket, key, ExtraArgs=extra)
        progress(key)

    with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
        list(pool.map(upload, files))
    return uploaded


def _bucket_ensure(client: Any, source: AssetSource) -> None:
    """Create the source's bucket when the store has none of that name (a fresh MinIO)."""
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=source.bucket)
        return
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket"}:
            raise
    location = {}
    if source.region != "us-east-1":  # S3 refuses us-east-1 as an explicit constraint
        location = {"CreateBucketConfiguration": {"LocationConstraint": source.region}}
    client.create_bucket(Bucket=source.bucket, **location)
