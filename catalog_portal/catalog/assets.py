"""Where asset files live: hrefs of the form ``/data/<path>`` name files below ``DATA_ROOT``.

Keeping hrefs relative to the portal (rather than absolute file paths) lets the data folder
move, and lets the STAC API turn them into URLs of the portal's data API for the request's host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings

DATA_HREF_PREFIX = "/data/"
# Paths below /data/ that start with this name remote files (``remote_assets.py``): no local
# file does, so a data URL is never both.
REMOTE_MARK = "~"


def data_href(relative_path: str | PurePosixPath) -> str:
    """The href of a file at ``relative_path`` below DATA_ROOT."""
    relative = PurePosixPath(relative_path)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"{relative_path!r} is not a path below DATA_ROOT")
    return DATA_HREF_PREFIX + relative.as_posix()


def data_href_url(href: str, *, absolute: Callable[[str], str]) -> str:
    """A ``/data/<path>`` href as a URL (``absolute``: a request's ``build_absolute_uri``), its
    path percent-encoded since a file name may hold ``#``, ``?`` or ``%``; other hrefs as
    they are."""
    if not isinstance(href, str) or not href.startswith(DATA_HREF_PREFIX):
        return href
    return absolute(quote(href, safe="/"))


def asset_path(href: str) -> Path | None:
    """The local file an href names, or None when it is not a file below DATA_ROOT.

    Refuses ``..`` and symlinks that lead out of DATA_ROOT, so an href can never reach
    another file on the machine.
    """
    if not href.startswith(DATA_HREF_PREFIX) or href[len(DATA_HREF_PREFIX) :].startswith(
        REMOTE_MARK
    ):
        return None
    root = Path(settings.DATA_ROOT).resolve()
    candidate = (root / href[len(DATA_HREF_PREFIX) :]).resolve()
    if not candidate.is_relative_to(root):
        return None
    return candidate


def data_path(href: str) -> str | None:
    """The path below DATA_ROOT that a ``/data/<path>`` href names, or None for other hrefs
    (remote URLs, and anything that would climb out of DATA_ROOT)."""
    if not isinstance(href, str) or not href.startswith(DATA_HREF_PREFIX):
        return None
    relative = PurePosixPath(href[len(DATA_HREF_PREFIX) :])
    if not relative.parts or relative.is_absolute() or ".." in relative.parts:
        return None
    if relative.parts[0].startswith(REMOTE_MARK):
        return None
    return relative.as_posix()


def local_asset_files(stac: dict) -> Iterator[tuple[str, str, str]]:
    """(asset key, path below DATA_ROOT, media type) of each asset of ``stac`` that is a file
    of the portal's own."""
    for key, asset in (stac.get("assets") or {}).items():
        path = data_path(asset.get("href")) if isinstance(asset, dict) else None
        if path is not None:
            yield key, path, str(asset.get("type") or "")
