"""Members of ZIP archives, served like files: ``/data/<archive>.zip/<member path>``.

A member is read in place, never unpacked to disk or memory. A stored (uncompressed) member,
the usual way to pack COGs, is a window of the archive's bytes, so its ranges are plain seeks;
a compressed member is read through ``zipfile``'s seekable stream, which decompresses up to
the requested offset. ``MemberResponse`` answers the HTTP part (ranges, multipart, 416,
If-Range, HEAD) for both from the member's seekable stream.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import os
import secrets
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from catalog_portal.data.ranges import RangeNotSatisfiable, byte_ranges_parse

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIX = ".zip"
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # the fixed 30 bytes before a member's name
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class ZipMember:
    """A member of an archive: where it is and how to read it."""

    archive: Path
    name: str
    size: int
    crc: int
    stored: bool
    data_offset: int  # of a stored member's bytes in the archive; 0 for compressed members

    def open(self) -> BinaryIO:
        """A seekable binary stream of the member's bytes (the caller closes it)."""
        if self.stored:
            window = _Window(open(self.archive, "rb"), start=self.data_offset, size=self.size)
            return io.BufferedReader(window)  # whole reads, however the raw window splits them
        # The member keeps the archive's file open after the ZipFile closes (zipfile counts
        # references to it), and closing the member closes the file.
        with zipfile.ZipFile(self.archive) as archive:
            return archive.open(self.name)


def archive_split(relative: str) -> tuple[str, str] | None:
    """(archive path, member path) of a path that goes into a ``.zip``, else None."""
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts[:-1]):
        if part.lower().endswith(ARCHIVE_SUFFIX):
            return "/".join(parts[: index + 1]), "/".join(parts[index + 1 :])
    return None


def zip_member_find(archive: Path, name: str) -> ZipMember | None:
    """The member ``name`` of the archive at ``archive``, or None (no such member, a folder,
    or not a readable ZIP)."""
    try:
        with zipfile.ZipFile(archive) as opened:
            info = opened.getinfo(name)
            if info.is_dir() or info.flag_bits & 0x1:  # folders and encrypted members
                return None
            stored = info.compress_type == zipfile.ZIP_STORED
            offset = _data_offset(opened.fp, info) if stored else 0
    except KeyError:  # no such member: the caller's 404, nothing wrong here
        return None
    except (OSError, zipfile.BadZipFile) as error:
        # A catalogued archive that cannot be read: still a 404 for the caller, but news for
        # whoever keeps DATA_ROOT.
        logger.warning("archive %s not readable for member %r: %s", archive, name, error)
        return None
    return ZipMember(
        archive=archive,
        name=name,
        size=info.file_size,
        crc=info.CRC,
        stored=stored,
        data_offset=offset,
    )


def _data_offset(archive: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where a member's bytes start: after its local header, whose name and extra field may
    differ in length from the central directory's."""
    archive.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(archive.read(_LOCAL_HEADER.size))
    if header[0] != _LOCAL_HEADER_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    name_length, extra_length = header[9], header[10]
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def member_media_type(name: str) -> str:
    """The media type of a member, from its name (COGs are the usual member)."""
    if name.lower().endswith((".tif", ".tiff")):
        return "image/tiff; application=geotiff"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class MemberResponse(Response):
    """A ZIP member's bytes, whole or in ranges, as Starlette's FileResponse answers for a file.

    Range (206), several ranges (multipart/byteranges), past the end (416), If-Range and HEAD,
    over the member's seekable stream: FileResponse itself sends only files by their path.
    """

    chunk_size = 64 * 1024

    def __init__(
        self,
        member: ZipMember,
        *,
        stat: os.stat_result,
        media_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.member = member
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        # Last-Modified from the archive, an ETag that changes with the archive or the member
        # (the archive's time and size alone are the same for all its members).
        name = zlib.crc32(member.name.encode())
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-{member.crc:08x}-{name:08x}"'
        self.init_headers(
            {
                **(headers or {}),
                "accept-ranges": "bytes",
                "content-length": str(member.size),
                "last-modified": formatdate(stat.st_mtime, usegmt=True),
                "etag": etag,
            }
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = Headers(scope=scope)
        size = self.member.size
        header = asked.get("range")
        if_range = asked.get("if-range")
        if if_range is not None and if_range not in (
            self.headers["etag"],
            self.headers["last-modified"],
        ):
            header = None  # the client's copy is stale: it gets the whole member (RFC 9110 13.1.5)
        try:
            ranges = byte_ranges_parse(header=header, size=size)
        except RangeNotSatisfiable:
            answer = Response(status_code=416, headers={"content-range": f"bytes */{size}"})
            return await answer(scope, receive, send)
        headers = MutableHeaders(raw=list(self.raw_headers))
        if ranges is None:
            status, parts, ranges = 200, None, [(0, size)]
        elif len(ranges) == 1:
            (start, end), status, parts = ranges[0], 206, None
            headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
            headers["content-length"] = str(end - start)
        else:
            status, parts = 206, _Multipart(content_type=self.media_type, size=size)
            headers["content-type"] = f"multipart/byteranges; boundary={parts.boundary}"
            headers["content-length"] = str(parts.length(ranges))
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        # A server may drop what is sent after the client left (uvicorn does) rather than fail:
        # stop reading the member then, as Starlette's FileResponse does.
        async with anyio.create_task_group() as group:

            async def ranges_then_stop() -> None:
                await self.ranges_send(send=send, ranges=ranges, parts=parts)
                group.cancel_scope.cancel()

            group.start_soon(ranges_then_stop)
            while (await receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()

    async def ranges_send(
        self, *, send: Send, ranges: list[tuple[int, int]], parts: _Multipart | None
    ) -> None:
        """Send the member's bytes of ``ranges``, framed as ``parts`` when there are several."""
        stream = await anyio.to_thread.run_sync(self.member.open)
        try:
            for start, end in ranges:
                if parts is not None:
                    await _body_send(send, parts.head(start, end))
                await anyio.to_thread.run_sync(stream.seek, start)
                while start < end:
                    chunk = await anyio.to_thread.run_sync(
                        stream.read, min(self.chunk_size, end - start)
                    )
                    if not chunk:
                        raise OSError(f"member {self.member.name!r} is shorter than its size")
                    start += len(chunk)
                    await _body_send(send, chunk)
                if parts is not None:
                    await _body_send(send, b"\r\n")
            await send(
                {
                    "type": "http.response.body",
                    "body": parts.tail if parts else b"",
                    "more_body": False,
                }
            )
        finally:
            # Closing must finish even when the transfer is cancelled.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(stream.close)


async def _body_send(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


@dataclass
class _Multipart:
    """The framing of a multipart/byteranges body (RFC 9110 14.6)."""

    content_type: str
    size: int
    boundary: str = field(default_factory=lambda: secrets.token_hex(13))

    def head(self, start: int, end: int) -> bytes:
        """What comes before the bytes of one range."""
        return (
            f"--{self.boundary}\r\nContent-Type: {self.content_type}\r\n"
            f"Content-Range: bytes {start}-{end - 1}/{self.size}\r\n\r\n"
        ).encode("latin-1")

    @property
    def tail(self) -> bytes:
        """What closes the body."""
        return f"--{self.boundary}--".encode("latin-1")

    def length(self, ranges: list[tuple[int, int]]) -> int:
        """The body's length in bytes."""
        return len(self.tail) + sum(len(self.head(s, e)) + (e - s) + 2 for s, e in ranges)


class _Window(io.RawIOBase):
    """``size`` bytes of ``raw`` from ``start``, as a stream of their own."""

    def __init__(self, raw: BinaryIO, *, start: int, size: int) -> None:
        self.raw, self.start, self.size, self.position = raw, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        self.raw.seek(self.start + self.position)
        got = self.raw.readinto(memoryview(buffer)[:wanted])
        self.position += got
        return got

    def close(self) -> None:
        self.raw.close()
        super().close()
