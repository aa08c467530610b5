"""Remote files through the data API: a restricted collection's file in object storage or on
an HTTP(S) host, answered by proxying its bytes or by redirecting to a presigned URL.

The portal reads only allow-listed sources (``catalog/asset_sources.py``), with each source's
endpoint, keys and timeouts, and never follows a redirect (a store that answers with one names
a place nobody allowed). ``DATA_REMOTE_MODE`` picks the answer for files in S3 sources with
keys: ``proxy`` (``RemoteResponse``: ranges, multipart, 416, ETag, HEAD as for local files, one
request to the store for the object's size and validators and one per range) or ``redirect``
(a presigned GET of ``DATA_REMOTE_REDIRECT_SECONDS``). Other sources are always proxied: a
redirect could only name their plain URL.
"""

from __future__ import annotations

import functools
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

import urllib3
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from catalog_portal.catalog.asset_sources import AssetSource, s3_client
from catalog_portal.data.ranged import RangedResponse

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024


class RemoteUnavailable(RuntimeError):
    """The store did not answer as a store should (down, slow, refusing the portal's keys, or
    redirecting): the caller gets a 502, the portal's log the reason."""


@dataclass(frozen=True)
class RemoteFile:
    """A remote file the caller may read, with what the store says of it."""

    source: AssetSource
    href: str
    size: int
    etag: str
    last_modified: str | None


def redirects(source: AssetSource) -> bool:
    """Whether files of ``source`` are answered by a presigned redirect (else proxied)."""
    return (
        settings.DATA_REMOTE_MODE == "redirect"
        and source.kind == "s3"
        and bool(source.access_key_id)
    )


def presigned_url(*, source: AssetSource, href: str) -> str:
    """A presigned GET of ``href`` at the store, valid DATA_REMOTE_REDIRECT_SECONDS."""
    return s3_client(source).generate_presigned_url(
        "get_object",
        Params={"Bucket": source.bucket, "Key": source.s3_key(href)},
        ExpiresIn=settings.DATA_REMOTE_REDIRECT_SECONDS,
    )


def remote_file_stat(*, source: AssetSource, href: str) -> RemoteFile | None:
    """Size and validators of the file at ``href`` (one request to the store), or None when
    the store has no such file. Raises RemoteUnavailable."""
    if source.kind == "s3":
        return _s3_stat(source, href)
    return _http_stat(source, href)


def remote_chunks(file: RemoteFile, start: int, end: int) -> Iterator[bytes]:
    """The bytes ``start`` to ``end`` (exclusive) of ``file``, as the store sends them; only
    while the file is the one stat saw (its ETag). Raises RemoteUnavailable."""
    if file.source.kind == "s3":
        return _s3_chunks(file, start, end)
    return _http_chunks(file, start, end)


class RemoteResponse(RangedResponse):
    """A remote file's bytes, whole or in ranges, one request to the store per range."""

    def __init__(self, file: RemoteFile, *, media_type: str, headers: dict[str, str]) -> None:
        self.file = file
        super().__init__(
            size=file.size,
            etag=file.etag,
            last_modified=file.last_modified,
            media_type=media_type,
            headers=headers,
        )

    def chunks(self, opened: Any, start: int, end: int) -> Iterator[bytes]:
        return remote_chunks(self.file, start, end)


# --- S3 ------------------------------------------------------------------------------------


def _s3_stat(source: AssetSource, href: str) -> RemoteFile | None:
    try:
        head = s3_client(source).head_object(Bucket=source.bucket, Key=source.s3_key(href))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise _unavailable(href, error) from None
    except BotoCoreError as error:
        raise _unavailable(href, error) from None
    modified = head.get("LastModified")
    return RemoteFile(
        source=source,
        href=href,
        size=int(head["ContentLength"]),
        etag=head.get("ETag") or f'"{int(head["ContentLength"]):x}"',
        last_modified=formatdate(modified.timestamp(), usegmt=True) if modified else None,
    )


def _s3_chunks(file: RemoteFile, start: int, end: int) -> Iterator[bytes]:
    try:
        answer = s3_client(file.source).get_object(
            Bucket=file.source.bucket,
            Key=file.source.s3_key(file.href),
            Range=f"bytes={start}-{end - 1}",
            IfMatch=file.etag,
        )
    except (ClientError, BotoCoreError) as error:
        raise _unavailable(file.href, error) from None
    body = answer["Body"]
    try:
        yield from body.iter_chunks(CHUNK_SIZE)
    except BotoCoreError as error:
        raise _unavailable(file.href, error) from None
    finally:
        body.close()


# --- HTTP(S) -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _pool(source: AssetSource) -> urllib3.PoolManager:
    """Connections to one HTTP(S) source: its timeouts and retries, redirects never followed."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=min(source.timeout, 10), read=source.timeout),
        retries=urllib3.Retry(
            total=source.retries, redirect=0, raise_on_redirect=False, raise_on_status=False
        ),
    )


def _http(source: AssetSource, method: str, href: str, **kwargs) -> urllib3.BaseHTTPResponse:
    try:
        answer = _pool(source).request(
            method, href, redirect=False, preload_content=False, **kwargs
        )
    except urllib3.exceptions.HTTPError as error:
        raise _unavailable(href, error) from None
    if 300 <= answer.status < 400:
        answer.release_conn()
        raise _unavailable(href, f"answered {answer.status}: redirects are not followed")
    return answer


def _http_stat(source: AssetSource, href: str) -> RemoteFile | None:
    answer = _http(source, "HEAD", href)
    answer.release_conn()
    if answer.status in {404, 410}:
        return None
    length = answer.headers.get("Content-Length", "")
    if answer.status != 200 or not length.isdigit():
        raise _unavailable(href, f"HEAD answered {answer.status}, length {length!r}")
    etag = answer.headers.get("ETag") or ""
    modified = answer.headers.get("Last-Modified")
    if not etag.strip('W/"'):
        # No ETag of the server's: one from what it does say, changing when the file does
        # (and the same in every portal process).
        etag = f'"{int(length):x}-{zlib.crc32((modified or "").encode()):08x}"'
    return RemoteFile(source=source, href=href, size=int(length), etag=etag, last_modified=modified)


def _http_chunks(file: RemoteFile, start: int, end: int) -> Iterator[bytes]:
    headers = {"Range": f"bytes={start}-{end - 1}"}
    if file.etag.startswith('"'):  # a strong ETag: the file must still be the one stat saw
        headers["If-Match"] = file.etag
    answer = _http(file.source, "GET", file.href, headers=headers)
    left = end - start
    try:
        # 200: a server that ignores Range sends the whole file; then only the start is ours.
        if answer.status != 206 and not (answer.status == 200 and start == 0):
            raise _unavailable(file.href, f"a range GET answered {answer.status}")
        for chunk in answer.stream(CHUNK_SIZE):
            yield chunk[:left]
            left -= len(chunk)
            if left <= 0:
                break
    except urllib3.exceptions.HTTPError as error:
        raise _unavailable(file.href, error) from None
    finally:
        if left == 0 and answer.status == 206:
            answer.release_conn()  # all read: the connection serves the next request
        else:
            answer.close()


def _unavailable(href: str, reason: object) -> RemoteUnavailable:
    logger.warning("remote file %s could not be read: %s", href, reason)
    return RemoteUnavailable(f"the store of {href} did not answer")
