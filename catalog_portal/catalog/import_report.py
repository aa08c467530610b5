"""What one import did, told to whoever runs it: the reading side (links not followed, assets
refused) and the writing side (collections and items created, updated, unchanged or skipped)
note it here as they go, and ``import_stac`` prints it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Counts and reasons of one import; ``notice`` is told each skip as it happens."""

    notice: Callable[[str], None] = print
    collections: Counter = field(default_factory=Counter)  # created/updated/unchanged/refused
    items: Counter = field(default_factory=Counter)  # created/updated/unchanged/skipped
    skip_reasons: Counter = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)

    def link_skipped(self, href: str, reason: str) -> None:
        """A link that was not followed, or a document that could not be read."""
        self.skip_reasons["unreadable or refused link"] += 1
        self.notice(f"link skipped: {href}: {reason}")

    def asset_left_out(self, message: str) -> None:
        """An asset left out of an item that was stored: its file belongs to another
        collection (``catalog/file_owners.py``); ``message`` names the item, asset and owner."""
        self.skip_reasons["asset refused"] += 1
        self.notice(f"refused asset of item {message}")

    def asset_refused(self, item_id: str, key: str, reason: str) -> None:
        """An asset dropped from an item before it was stored."""
        self.skip_reasons["asset refused"] += 1
        self.notice(f"asset {key} of item {item_id} refused: {reason}")

    def item_skipped(self, kind: str, message: str) -> None:
        """An item not stored; ``kind`` is the reason's category in the summary, ``message``
        names the item and says why."""
        self.items["skipped"] += 1
        self.skip_reasons[kind] += 1
        self.notice(message)

    def collection_refused(self, message: str) -> None:
        self.collections["refused"] += 1
        self.refusals.append(message)
        self.notice(f"refused: {message}")

    def summary(self) -> str:
        """Two lines: collections, then items with the reasons for everything skipped."""
        c, i = self.collections, self.items
        reasons = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skip_reasons.items()))
        return (
            f"Collections: {c['created']} created, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['refused']} refused.\n"
            f"Items: {i['created']} created, {i['updated']} updated, {i['unchanged']} unchanged, "
            f"{i['skipped']} skipped" + (f" ({reasons})" if reasons else "") + "."
        )
