"""Which file a data URL names, and whether its caller may read it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from catalog_portal.accounts.authentication import Credentials, SignedPath, request_user
from catalog_portal.catalog.access import User
from catalog_portal.catalog.asset_sources import AssetSource, asset_source
from catalog_portal.catalog.assets import DATA_HREF_PREFIX, asset_path, data_path
from catalog_portal.catalog.models import AssetFile
from catalog_portal.catalog.remote_assets import (
    is_remote_data_path,
    remote_data_path,
    remote_data_url,
    remote_href,
)
from catalog_portal.catalog.selectors import visible_asset_file
from catalog_portal.data.signed_urls import SignedUrl, data_url_sign, is_signed
from catalog_portal.data.zips import ZipMember, archive_split, member_media_type, zip_member_find

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataFile:
    """A file (or a member of an archive) the caller may read."""

    path: Path  # the file, or the archive a member is in
    stat: os.stat_result
    media_type: str | None
    restricted: bool
    member: ZipMember | None = None


@dataclass(frozen=True)
class RemoteDataFile:
    """A remote file (``catalog/remote_assets.py``) the caller may read, of an allowed source."""

    source: AssetSource
    href: str
    media_type: str | None
    restricted: bool


def data_file_lookup(
    *, credentials: Credentials, relative: str, query: dict[str, str]
) -> DataFile | RemoteDataFile | None:
    """The file at ``relative`` below ``/data/`` (DATA_ROOT's, or a remote one's ``~…`` path),
    if the caller may read it (sync, ORM; the store is not asked).

    Raises InvalidToken for an unknown token and SignatureInvalid for a bad signed URL.
    """
    remote = is_remote_data_path(relative)
    path = relative if remote else data_path(DATA_HREF_PREFIX + relative)
    if path is None:
        return None
    if is_signed(query):
        # A signature stands for its signer alone: the session or token sent along is ignored.
        credentials = Credentials(signed=SignedPath(path=path, query=tuple(query.items())))
    user = request_user(credentials=credentials)
    if remote:
        return remote_file_lookup(user=user, path=path)
    found = readable_asset_file(user=user, path=path)
    if found is None:
        return None
    split = archive_split(path)
    restricted = found.item.collection.is_restricted
    local = asset_path(DATA_HREF_PREFIX + path)
    if local is not None and local.is_file():
        return DataFile(local, local.stat(), found.media_type or None, restricted)
    if split is None:
        logger.warning("catalogued file %s is missing below DATA_ROOT", path)
        return None
    archive = asset_path(DATA_HREF_PREFIX + split[0])
    member = zip_member_find(archive, split[1]) if archive is not None else None
    if member is None:
        return None
    media_type = found.media_type if found.path == path and found.media_type else None
    return DataFile(
        archive,
        archive.stat(),
        media_type or member_media_type(member.name),
        restricted,
        member=member,
    )


def remote_file_lookup(*, user: User, path: str) -> RemoteDataFile | None:
    """The remote file a ``~…`` data path names, if it is in an allowed source and an item
    ``user`` may see names it (one query)."""
    href = remote_href(path)
    source = asset_source(href) if href is not None else None
    if source is None or not source.remote:
        return None
    found = visible_asset_file(user=user, paths=[href])
    if found is None:
        return None
    restricted = found.item.collection.is_restricted
    return RemoteDataFile(source, href, found.media_type or None, restricted)


def readable_asset_file(*, user: User, path: str) -> AssetFile | None:
    """The catalogued asset that lets ``user`` read ``path`` (below DATA_ROOT): an asset
    naming the file itself or, for a member of a ZIP archive, the archive (one query)."""
    split = archive_split(path)
    return visible_asset_file(user=user, paths=[path, split[0]] if split else [path])


class HrefNotSignable(LookupError):
    """An href that names no data file the caller may read (or not a data URL at all)."""


def data_href_sign(*, user: User, href: str, seconds: int) -> tuple[str, SignedUrl]:
    """The signed path (``/data/<path>?expires=...``) of the data file ``href`` names, valid
    for ``seconds`` and only while ``user`` may read the file.

    ``href`` is a data URL (absolute or ``/data/...``), or the ``s3://`` or ``https://`` href
    of a remote file the portal serves; a signature it already carries is dropped, so
    renewing a signed URL is signing it again. Raises HrefNotSignable.
    """
    # A portal's data URL, or else a remote file's own href (an https:// one may be either).
    candidates = (_data_url_path(href), remote_data_path(href))
    path = next((p for p in candidates if p is not None and _readable(user=user, path=p)), None)
    if path is None:
        raise HrefNotSignable(f"{href!r} is not a data file you may read")
    signed = data_url_sign(path=path, user=user, seconds=seconds)
    url = (
        remote_data_url(path)
        if is_remote_data_path(path)
        else DATA_HREF_PREFIX + quote(path, safe="/")
    )
    return f"{url}?{signed.query}", signed


def _data_url_path(href: str) -> str | None:
    """The path below ``/data/`` of a data URL (a remote file's path percent-decoded, as the
    data API sees it)."""
    path = urlsplit(href).path
    if not path.startswith(DATA_HREF_PREFIX):
        return None
    relative = unquote(path[len(DATA_HREF_PREFIX) :])
    if is_remote_data_path(relative):
        return relative if remote_href(relative) is not None else None
    return data_path(DATA_HREF_PREFIX + relative)


def _readable(*, user: User, path: str) -> bool:
    if is_remote_data_path(path):
        return remote_file_lookup(user=user, path=path) is not None
    return readable_asset_file(user=user, path=path) is not None
