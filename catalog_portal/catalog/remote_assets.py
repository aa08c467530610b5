"""Asset files in object storage or on HTTP(S) hosts, as the portal publishes and serves them.

A remote file has a URL of the data API beside the local files': its href with the scheme as a
first segment that starts with ``~`` (no local path below DATA_ROOT may start so)::

    s3://bucket/key                ->  /data/~s3/bucket/key
    https://host[:port]/path       ->  /data/~https/host[:port]/path

Which hrefs are published that way (``asset_href_published``): those of a restricted
collection (the collection's visibility decides, as it does for every other access) that
belong to an allow-listed remote source (``asset_sources.py``): the portal holds the keys, so
its URL is the only one a granted reader can use, and the bucket's address stays private.
Public collections' remote assets keep their original URL (anyone may read them, better
straight from the store), as do hrefs outside every source (the portal cannot read them).

Ingest records every remote file an item names (``remote_asset_files``), as it records local
files, so that the data API answers "which items name this file" with one indexed lookup:
whether the portal may read it is asked when it is read, of ``ASSET_SOURCES`` as it is then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit

from catalog_portal.catalog.asset_sources import MAX_HREF_LENGTH, asset_source
from catalog_portal.catalog.assets import DATA_HREF_PREFIX, REMOTE_MARK, data_href_url

_SCHEMES = ("s3", "https", "http")
# AssetFile.path's length: a longer href is not recorded, and so not served.
MAX_RECORDED_LENGTH = 1000


def remote_data_path(href: str) -> str | None:
    """The path below ``/data/`` of a remote ``href`` (``~s3/bucket/key``), or None for hrefs
    that are no remote file (local ones, other schemes, a query, fragment or userinfo)."""
    if not isinstance(href, str) or len(href) > MAX_HREF_LENGTH:
        return None
    try:
        url = urlsplit(href)
    except ValueError:
        return None
    scheme = url.scheme
    # The scheme as written (urlsplit lowers it): the data path must lead back to this href.
    if scheme not in _SCHEMES or not href.startswith(f"{scheme}://"):
        return None
    if not url.netloc or "@" in url.netloc:
        return None
    if url.query or url.fragment or "?" in href or "#" in href:
        return None  # the data API's own query string is for signatures
    if not url.path.startswith("/") or url.path == "/":
        return None
    return f"{REMOTE_MARK}{scheme}/{url.netloc}{url.path}"


def remote_href(path: str) -> str | None:
    """The remote href a path below ``/data/`` stands for (inverse of ``remote_data_path``),
    or None when the path is not of a remote file."""
    if not path.startswith(REMOTE_MARK):
        return None
    scheme, slash, rest = path[len(REMOTE_MARK) :].partition("/")
    if scheme not in _SCHEMES or not slash or "/" not in rest:
        return None
    href = f"{scheme}://{rest}"
    return href if remote_data_path(href) == path else None


def is_remote_data_path(path: str) -> bool:
    """Whether a path below ``/data/`` is in the remote files' namespace (never a local file)."""
    return path.startswith(REMOTE_MARK)


def remote_data_url(path: str) -> str:
    """The portal-relative data URL (``/data/~s3/…``, percent-encoded) of a remote file's
    path below ``/data/``."""
    return DATA_HREF_PREFIX + quote(path, safe="/~:[]")


def remote_data_href(href: str) -> str | None:
    """The portal-relative data URL of a remote ``href`` (None for hrefs of no remote file)."""
    path = remote_data_path(href)
    return None if path is None else remote_data_url(path)


def asset_href_published(href: str, *, restricted: bool) -> str:
    """The href the portal publishes for an asset: a restricted collection's file in an
    allow-listed remote source becomes the portal's data URL (portal-relative); every other
    href stays as stored."""
    if not restricted or not isinstance(href, str) or href.startswith(DATA_HREF_PREFIX):
        return href
    source = asset_source(href)
    if source is None or not source.remote:
        return href
    return remote_data_href(href) or href


def asset_href_url(href: str, *, restricted: bool, absolute: Callable[[str], str]) -> str:
    """An asset's href as the portal publishes it (API documents, item page): a restricted
    collection's remote file as its data URL, a ``/data/`` file percent-encoded, both made
    absolute by ``absolute`` (a request's ``build_absolute_uri``); other hrefs as they are."""
    published = asset_href_published(href, restricted=restricted)
    if published != href:  # a remote file through the portal: already an encoded URL path
        return absolute(published)
    return data_href_url(href, absolute=absolute)


def remote_asset_files(stac: dict) -> Iterator[tuple[str, str, str]]:
    """(asset key, href, media type) of each asset of ``stac`` that is a remote file."""
    for key, asset in (stac.get("assets") or {}).items():
        href = asset.get("href") if isinstance(asset, dict) else None
        if (
            isinstance(href, str)
            and len(href) <= MAX_RECORDED_LENGTH
            and remote_data_path(href) is not None
        ):
            yield key, href, str(asset.get("type") or "")
