"""``python manage.py import_stac SOURCE``: import collections and items from a STAC API or a
static STAC catalog, collection or item (see catalog/importers.py)."""

from __future__ import annotations

import argparse
import time

from django.core.management.base import CommandError
from tqdm import tqdm

from catalog_portal.catalog.importers import SourceError, stac_source_read
from catalog_portal.catalog.ingest import InvalidStac, UpsertReport, collection_upsert, items_upsert
from catalog_portal.catalog.management.bulk import BulkCommand
from catalog_portal.catalog.models import Collection


def parse_bbox(value: str) -> list[float]:
    """``W,S,E,N`` as four numbers, south not above north."""
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: four comma-separated numbers W,S,E,N"
        ) from None
    if len(numbers) != 4:
        raise argparse.ArgumentTypeError(f"{value!r}: four comma-separated numbers W,S,E,N")
    west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise argparse.ArgumentTypeError(
            f"{value!r}: outside longitude/latitude or south above north"
        )
    return numbers


class Command(BulkCommand):
    help = (
        "Import from a STAC API URL (with pystac-client) or a static STAC catalog, collection or "
        "item (a path or URL). Re-running changes nothing; invalid items are reported and skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="STAC API URL, or a static catalog/collection/item JSON")
        parser.add_argument(
            "--collection", action="append", default=[], metavar="ID",
            help="Import only this collection (repeat, or separate ids with commas).",
        )  # fmt: skip
        parser.add_argument("--bbox", type=parse_bbox, help="W,S,E,N (STAC APIs only)")
        parser.add_argument("--datetime", help="RFC 3339 instant or interval (STAC APIs only)")
        parser.add_argument("--max-items", type=int, metavar="N", help="Stop after N items")
        parser.add_argument("--batch-size", type=int, default=500, help="Items per transaction")

    def handle(self, *, source: str, collection: list[str], bbox, datetime, max_items,
               batch_size: int, verbosity: int, **options) -> None:  # fmt: skip
        if max_items is not None and max_items < 1:
            raise CommandError("--max-items takes a positive number.")
        wanted = [part.strip() for value in collection for part in value.split(",") if part.strip()]
        started = time.perf_counter()
        total = UpsertReport()
        collections_created = collections_updated = 0
        try:
            sources = stac_source_read(
                source=source, collections=wanted or None, bbox=bbox, datetime=datetime,
                max_items=max_items,
            )  # fmt: skip
            for found in sources:
                target, created = self._collection(found.collection_id, found.stac)
                collections_created += created
                collections_updated += not created
                with tqdm(desc=target.stac_id, unit="item", disable=verbosity == 0) as bar:
                    report = items_upsert(
                        collection=target, stacs=found.items, batch_size=batch_size,
                        on_batch=lambda batch: self._progress(bar, batch),
                    )  # fmt: skip
                total.add(report)
        except SourceError as error:
            raise CommandError(str(error)) from None

        seconds = time.perf_counter() - started
        items = total.written + total.unchanged + len(total.invalid)
        rate = items / max(seconds, 1e-9)
        self.stdout.write(
            f"Collections: {collections_created} created, "
            f"{collections_updated} updated or unchanged. Items: {total.created} created, "
            f"{total.updated} updated, {total.unchanged} unchanged, {len(total.invalid)} invalid; "
            f"{seconds:.1f} s ({rate:,.0f} items/s)."
        )
        if total.invalid:
            self.stderr.write(f"{len(total.invalid)} invalid items were skipped (listed above).")
        if total.refused_assets:
            self.stderr.write(
                f"{len(total.refused_assets)} assets were left out of their items (listed above)."
            )

    def _collection(self, collection_id: str, stac: dict | None) -> tuple[Collection, bool]:
        if stac is None:
            existing = Collection.objects.filter(stac_id=collection_id).first()
            if existing is None:
                raise CommandError(
                    f"Collection {collection_id!r} does not exist; "
                    "import it first from its own file."
                )
            return existing, False
        try:
            return collection_upsert(stac=stac)
        except InvalidStac as error:
            raise CommandError(f"invalid collection {error}") from None

    def _progress(self, bar: tqdm, batch: UpsertReport) -> None:
        bar.update(batch.written + batch.unchanged + len(batch.invalid))
        if batch.invalid or batch.refused_assets:
            # Lifts the progress bar while writing, so warnings do not tear it.
            with tqdm.external_write_mode():
                for error in batch.invalid:
                    self.stderr.write(f"invalid item {error}")
                for error in batch.refused_assets:
                    self.stderr.write(f"refused asset of item {error}")
