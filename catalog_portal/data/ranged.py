"""A response that answers byte ranges itself, as Starlette's FileResponse does for a file on
disk: Range (206), several ranges (multipart/byteranges), past the end (416), If-Range and HEAD.

For bytes that are no file Starlette could send by its path: members of ZIP archives
(``zips.py``) and files in object storage that the portal proxies (``remote.py``). A subclass
says how to open its bytes and read one range of them; both run in a worker thread.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from catalog_portal.data.ranges import RangeNotSatisfiable, byte_ranges_parse


class RangedResponse(Response):
    """``size`` bytes, whole or in ranges; subclasses implement ``open``, ``chunks`` and
    ``close`` (sync: they run in a worker thread)."""

    chunk_size = 64 * 1024

    def __init__(
        self,
        *,
        size: int,
        etag: str,
        last_modified: str | None,
        media_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.size = size
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        validators = {"etag": etag}
        if last_modified:
            validators["last-modified"] = last_modified
        self.init_headers(
            {
                **(headers or {}),
                "accept-ranges": "bytes",
                "content-length": str(size),
                **validators,
            }
        )

    def open(self) -> Any:
        """What ``chunks`` reads from (opened once per response)."""
        return None

    def chunks(self, opened: Any, start: int, end: int) -> Iterator[bytes]:
        """The bytes from ``start`` to ``end`` (exclusive), in pieces."""
        raise NotImplementedError

    def close(self, opened: Any) -> None:
        """Release what ``open`` opened."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = Headers(scope=scope)
        size = self.size
        header = asked.get("range")
        if_range = asked.get("if-range")
        if if_range is not None and if_range not in (
            self.headers["etag"],
            self.headers.get("last-modified"),
        ):
            header = None  # the client's copy is stale: it gets the whole file (RFC 9110 13.1.5)
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
        if scope["method"] == "HEAD" or size == 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        # A server may drop what is sent after the client left (uvicorn does) rather than fail:
        # stop reading then, as Starlette's FileResponse does.
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
        """Send the bytes of ``ranges``, framed as ``parts`` when there are several."""
        opened = await anyio.to_thread.run_sync(self.open)
        try:
            for start, end in ranges:
                if parts is not None:
                    await _body_send(send, parts.head(start, end))
                pieces = self.chunks(opened, start, end)
                sent = 0
                while (chunk := await anyio.to_thread.run_sync(next, pieces, b"")) != b"":
                    sent += len(chunk)
                    await _body_send(send, chunk)
                if sent != end - start:
                    raise OSError(f"{end - start} bytes asked from byte {start}, {sent} read")
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
                await anyio.to_thread.run_sync(self.close, opened)


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
