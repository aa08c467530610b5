"""MemberResponse as an ASGI app of its own: what it sends for HEAD, and that it stops reading
a member when the client has gone (uvicorn drops what is sent after that without failing)."""

from __future__ import annotations

import os
import zipfile
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from catalog_portal.data.zips import MemberResponse, zip_member_find

SIZE = 4 * 1024 * 1024  # 64 chunks of the response's 64 kB


@pytest.fixture
def member(tmp_path):
    path = tmp_path / "packed.zip"
    with zipfile.ZipFile(path, "w") as packed:
        packed.writestr("big.bin", os.urandom(SIZE), compress_type=zipfile.ZIP_STORED)
    return zip_member_find(path, "big.bin")


def call(response: MemberResponse, *, method: str, disconnect_after: int | None = None):
    """The messages ``response`` sends; the client leaves after ``disconnect_after`` bodies."""
    sent: list[dict] = []
    gone = anyio.Event()

    async def send(message: dict) -> None:
        sent.append(message)
        bodies = sum(1 for m in sent if m["type"] == "http.response.body")
        if disconnect_after is not None and bodies >= disconnect_after:
            gone.set()
        await anyio.sleep(0)

    async def receive() -> dict:
        await gone.wait()
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": method, "headers": [], "asgi": {"spec_version": "2.3"}}
    stat = os.stat(response.member.archive)

    async def run() -> None:
        await MemberResponse(response.member, stat=stat, media_type="x/y")(scope, receive, send)

    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, run).result()
    return sent


def test_head_sends_the_headers_of_the_whole_member_and_no_bytes(member):
    sent = call(
        MemberResponse(member, stat=os.stat(member.archive), media_type="x/y"), method="HEAD"
    )
    start, *bodies = sent
    assert start["status"] == 200
    assert (b"content-length", str(SIZE).encode()) in start["headers"]
    assert [body["body"] for body in bodies] == [b""]


def test_a_member_is_not_read_on_once_the_client_has_gone(member):
    response = MemberResponse(member, stat=os.stat(member.archive), media_type="x/y")
    sent = call(response, method="GET", disconnect_after=2)
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len(bodies) < SIZE // MemberResponse.chunk_size
    whole = call(response, method="GET", disconnect_after=None)
    assert sum(len(m.get("body", b"")) for m in whole[1:]) == SIZE
