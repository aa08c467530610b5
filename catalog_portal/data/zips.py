"""Members of ZIP archives, served like files: ``/data/<archive>.zip/<member path>``.

A member is read in place, never unpacked to disk or memory. A stored (uncompressed) member,
the usual way to pack COGs, is a window of the archive's bytes, so its ranges are plain seeks;
a compressed member is read through ``zipfile``'s seekable stream, which decompresses up to
the requested offset. ``MemberResponse`` answers the HTTP part (ranges, multipart, 416,
If-Range, HEAD: ``ranged.py``) for both from the member's seekable stream.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from catalog_portal.data.ranged import RangedResponse

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


class MemberResponse(RangedResponse):
    """A ZIP member's bytes, whole or in ranges (``ranged.py``), over its seekable stream."""

    def __init__(
        self,
        member: ZipMember,
        *,
        stat: os.stat_result,
        media_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.member = member
        # Last-Modified from the archive, an ETag that changes with the archive or the member
        # (the archive's time and size alone are the same for all its members).
        name = zlib.crc32(member.name.encode())
        super().__init__(
            size=member.size,
            etag=f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-{member.crc:08x}-{name:08x}"',
            last_modified=formatdate(stat.st_mtime, usegmt=True),
            media_type=media_type,
            headers=headers,
        )

    def open(self) -> BinaryIO:
        return self.member.open()

    def chunks(self, opened: BinaryIO, start: int, end: int) -> Iterator[bytes]:
        opened.seek(start)
        while start < end:
            chunk = opened.read(min(self.chunk_size, end - start))
            if not chunk:
                return  # shorter than its size: ranges_send says so
            start += len(chunk)
            yield chunk

    def close(self, opened: BinaryIO) -> None:
        opened.close()


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
