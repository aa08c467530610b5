"""``python manage.py import_stac SOURCE``: import collections and items from a STAC API or
static STAC files (see catalog/importers.py for reading, catalog/import_policy.py for what may
be written)."""

from __future__ import annotations

import argparse
import time

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from catalog_portal.catalog.import_policy import ImportPolicy, ImportTarget, collection_import
from catalog_portal.catalog.import_report import ImportReport
from catalog_portal.catalog.importers import (
    ReadLimits,
    SourceError,
    source_identity,
    stac_source_read,
)
from catalog_portal.catalog.ingest import UpsertReport, items_upsert
from catalog_portal.catalog.management.bulk import BulkCommand
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.queryables import (
    InvalidQueryables,
    collection_queryables_declare,
    queryables_from_source,
)


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


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: a positive number")
    return number


class BboxParser(CommandParser):
    """Takes ``--bbox -85.4,...`` as well as ``--bbox=-85.4,...``: argparse would read a value
    that starts with a minus (and is not a plain number) as an option."""

    def parse_known_args(self, args=None, namespace=None):
        if args is not None:
            args = list(args)
            for index, arg in enumerate(args[:-1]):
                if arg == "--bbox" and args[index + 1].startswith("-"):
                    args[index : index + 2] = [f"--bbox={args[index + 1]}"]
                    break
        return super().parse_known_args(args, namespace)


class Command(BulkCommand):
    help = (
        "Import from a STAC API URL (with pystac-client) or static STAC files (a catalog, "
        "collection, item, FeatureCollection or newline-delimited items; a path or URL). "
        "Only links inside the source are followed. A collection that exists from another "
        "source is refused unless --update or --as. Re-running changes nothing and resumes an "
        "interrupted import; skipped items and links are reported by id with the reason."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = (
            BboxParser  # Django builds its own CommandParser; only this method differs
        )
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="STAC API URL, or a static STAC file (path or URL)")
        parser.add_argument(
            "--collection", action="append", default=[], metavar="ID",
            help="Import only this collection (repeat, or separate ids with commas); for items "
            "that name no collection, the collection to put them in.",
        )  # fmt: skip
        parser.add_argument("--bbox", type=parse_bbox, help="W,S,E,N (STAC APIs only)")
        parser.add_argument("--datetime", help="RFC 3339 instant or interval (STAC APIs only)")
        parser.add_argument("--max-items", type=int, metavar="N", help="Stop after N items")
        parser.add_argument(
            "--batch-size", type=positive, default=500, help="Items per transaction"
        )
        policy = parser.add_mutually_exclusive_group()
        policy.add_argument(
            "--update", action="store_true",
            help="Merge into collections that exist from another source (or are the portal's "
            "own), keeping their curation: category, featured, visibility, groups, renders.",
        )  # fmt: skip
        policy.add_argument(
            "--as", dest="new_id", metavar="NEW_ID",
            help="Import the source's one collection under this id.",
        )  # fmt: skip
        parser.add_argument(
            "--allow-host", action="append", default=[], metavar="HOST[:PORT]",
            help="Also follow links to this host (repeat).",
        )  # fmt: skip
        parser.add_argument(
            "--allow-path", action="append", default=[], metavar="FOLDER",
            help="Also follow links to files below this folder (repeat).",
        )  # fmt: skip
        parser.add_argument(
            "--max-document-bytes", type=positive, default=ReadLimits.max_document_bytes,
            metavar="N", help="Skip documents larger than this (default 64 MiB).",
        )  # fmt: skip
        parser.add_argument(
            "--max-documents", type=positive, default=ReadLimits.max_documents, metavar="N",
            help="Read at most this many static documents (default 1,000,000).",
        )  # fmt: skip

    def handle(self, *, source: str, collection: list[str], bbox, datetime, max_items,
               batch_size: int, update: bool, new_id: str | None, allow_host: list[str],
               allow_path: list[str], max_document_bytes: int, max_documents: int,
               verbosity: int, **options) -> None:  # fmt: skip
        if max_items is not None and max_items < 1:
            raise CommandError("--max-items takes a positive number.")
        wanted = [part.strip() for value in collection for part in value.split(",") if part.strip()]
        started = time.perf_counter()
        report = ImportReport(notice=self._notice)
        limits = ReadLimits(allow_host, allow_path, max_document_bytes, max_documents)
        policy = ImportPolicy(source=source_identity(source), update=update, new_id=new_id)
        try:
            found = stac_source_read(
                source=source, report=report, collections=wanted or None, bbox=bbox,
                datetime=datetime, max_items=max_items, limits=limits,
            )  # fmt: skip
            if new_id is not None and len(found) != 1:
                raise CommandError(
                    f"--as names one collection; this source has {len(found)}: "
                    f"{', '.join(f.collection_id for f in found)} (choose with --collection)."
                )
            for source_collection in found:
                target = collection_import(found=source_collection, policy=policy, report=report)
                if target is not None:
                    if source_collection.queryables is not None:
                        source_queryables_declare(
                            target.collection, source_collection.queryables, report
                        )
                    self._items(target, report, batch_size, verbosity)
        except SourceError as error:
            raise CommandError(str(error)) from None

        seconds = time.perf_counter() - started
        items = sum(report.items.values())
        self.stdout.write(
            f"{report.summary()} {seconds:.1f} s ({items / max(seconds, 1e-9):,.0f} items/s)."
        )
        if report.refusals:
            raise CommandError(
                f"{len(report.refusals)} collection(s) refused: " + " | ".join(report.refusals)
            )

    def _items(self, target: ImportTarget, report: ImportReport, batch_size: int,
               verbosity: int) -> None:  # fmt: skip
        def batch_done(batch: UpsertReport) -> None:
            bar.update(batch.written + batch.unchanged + len(batch.invalid) + len(batch.duplicates))
            for error in batch.invalid:
                report.item_skipped("invalid", f"invalid item {error}")
            for stac_id in batch.duplicates:
                report.item_skipped(
                    "duplicate id", f"item {stac_id}: duplicate id in this import; the first kept"
                )
            for error in batch.refused_assets:
                report.asset_left_out(f"{error}")
            if batch.repaired:
                # Written, with a footprint the portal split or repaired: told, not skipped.
                with tqdm.external_write_mode():
                    for repaired in batch.repaired:
                        self.stdout.write(f"repaired item {repaired}")
            if target.merging:
                for stac_id in batch.updated_ids:
                    report.notice(f"merged: item {stac_id} replaced the stored one")
            if verbosity >= 2:
                self.stdout.write(f"committed {batch.written} items of {target.collection.stac_id}")
                self.stdout.flush()

        with tqdm(desc=target.collection.stac_id, unit="item", disable=verbosity != 1) as bar:
            total = items_upsert(
                collection=target.collection, stacs=target.items, batch_size=batch_size,
                on_batch=batch_done,
            )  # fmt: skip
        report.items["created"] += total.created
        report.items["updated"] += total.updated
        report.items["unchanged"] += total.unchanged

    def _notice(self, message: str) -> None:
        # Lifts any progress bar while writing, so notices do not tear it.
        with tqdm.external_write_mode():
            self.stderr.write(message)


def source_queryables_declare(collection: Collection, document, report: ImportReport) -> None:
    """A source API's own queryables become the collection's filters, unless an administrator
    set them; a document that is not usable is reported and the derived ones stay."""
    if collection.queryables_source == Collection.QueryablesSource.ADMIN:
        return
    try:
        queryables = queryables_from_source(document)
    except InvalidQueryables as error:
        report.notice(f"queryables of {collection.stac_id} from the source not used: {error}")
        return
    collection_queryables_declare(
        collection=collection, queryables=queryables, source=Collection.QueryablesSource.SOURCE
    )
