"""Asset hrefs of imported documents, made to mean the same once stored: relative ones resolved
against their document, local files below DATA_ROOT turned into ``/data/<path>`` (what the
data API and the tiler serve), remote URLs kept. A local file elsewhere on the machine is never
published: its asset is refused."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from catalog_portal.catalog.assets import data_href
from catalog_portal.catalog.stac_fetch import href_join, local_path


class AssetRefused(ValueError):
    """An asset href that may not be stored; the message says why."""


def imported_asset_href(href: str, *, document_href: str) -> str:
    """What to store for ``href`` found in the document at ``document_href``."""
    absolute = href_join(href, document_href)
    path = local_path(absolute)
    if path is None:
        return absolute  # a URL (https:, s3:, ...): the tiler's allow-list decides on reading
    root = Path(settings.DATA_ROOT).resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise AssetRefused(f"{href!r} is a local file outside DATA_ROOT")
    return data_href(resolved.relative_to(root).as_posix())


def item_assets_localize(document: dict, *, document_href: str) -> list[tuple[str, str]]:
    """Rewrite the asset hrefs of ``document`` in place; returns the refused assets as
    (key, reason), which are removed from it."""
    refused = []
    assets = document.get("assets")
    if not isinstance(assets, dict):
        return refused
    for key, asset in list(assets.items()):
        if not isinstance(asset, dict) or not isinstance(asset.get("href"), str):
            continue
        try:
            asset["href"] = imported_asset_href(asset["href"], document_href=document_href)
        except AssetRefused as error:
            del assets[key]
            refused.append((key, str(error)))
    return refused
