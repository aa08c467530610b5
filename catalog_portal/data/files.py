"""Which file a data URL names, and whether its caller may read it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from catalog_portal.accounts.authentication import Credentials, SignedPath, request_user
from catalog_portal.catalog.access import User
from catalog_portal.catalog.assets import DATA_HREF_PREFIX, asset_path, data_path
from catalog_portal.catalog.models import AssetFile
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


def data_file_lookup(
    *, credentials: Credentials, relative: str, query: dict[str, str]
) -> DataFile | None:
    """The file at ``relative`` below DATA_ROOT, if the caller may read it (sync, ORM).

    Raises InvalidToken for an unknown token and SignatureInvalid for a bad signed URL.
    """
    path = data_path(DATA_HREF_PREFIX + relative)
    if path is None:
        return None
    if is_signed(query):
        # A signature stands for its signer alone: the session or token sent along is ignored.
        credentials = Credentials(signed=SignedPath(path=path, query=tuple(query.items())))
    found = readable_asset_file(user=request_user(credentials=credentials), path=path)
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

    ``href`` is a data URL (absolute or ``/data/...``); a signature it already carries is
    dropped, so renewing a signed URL is signing it again. Raises HrefNotSignable.
    """
    path = data_path(unquote(urlsplit(href).path))
    if path is None or readable_asset_file(user=user, path=path) is None:
        raise HrefNotSignable(f"{href!r} is not a data file you may read")
    signed = data_url_sign(path=path, user=user, seconds=seconds)
    return f"{DATA_HREF_PREFIX}{quote(path, safe='/')}?{signed.query}", signed
