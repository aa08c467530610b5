"""``manage.py load_demo``: the demo catalogue, generated offline (see catalog_portal/demo/)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import CommandError
from tqdm import tqdm

from catalog_portal.catalog.management.bulk import BulkCommand
from catalog_portal.catalog.models import Collection
from catalog_portal.demo.loader import (
    DEMO_PASSWORD,
    DEMO_USER,
    demo_catalog_load,
    demo_generation_steps,
)
from catalog_portal.demo.object_storage import StorageRefused
from catalog_portal.demo.synthetic import SYNTHETIC_ID, synthetic_items_add


class Command(BulkCommand):
    help = (
        "Generate the demo catalogue (COGs under DATA_ROOT, or uploaded with --storage, and "
        "their STAC), or with --synthetic-items N only add N metadata-only items for "
        "benchmarks."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the catalogue has any collection (make run uses this).",
        )
        parser.add_argument(
            "--synthetic-items",
            type=int,
            metavar="N",
            help=f"Add N metadata-only items to the '{SYNTHETIC_ID}' collection and nothing else.",
        )
        parser.add_argument(
            "--storage",
            metavar="s3://BUCKET/PREFIX",
            help=(
                "Upload the COGs there instead of writing them under DATA_ROOT and catalogue "
                "their s3:// hrefs; it must lie inside an s3:// source of ASSET_SOURCES (its "
                "endpoint and credentials are used). The bucket is made if missing."
            ),
        )

    def handle(
        self, *, if_empty: bool, synthetic_items: int | None, storage: str | None, **options
    ) -> None:
        started = time.perf_counter()
        if synthetic_items is not None:
            if synthetic_items < 1:
                raise CommandError("--synthetic-items takes a positive number.")
            with tqdm(
                total=synthetic_items,
                unit="item",
                unit_scale=True,
                desc="synthetic items",
                disable=options["verbosity"] == 0,
            ) as bar:
                total = synthetic_items_add(count=synthetic_items, progress=bar.update)
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {synthetic_items:,} items to {SYNTHETIC_ID} ({total:,} in all) "
                    f"in {seconds:.1f} s ({synthetic_items / seconds:,.0f} items/s)."
                )
            )
            return
        if if_empty and Collection.objects.exists():
            self.stdout.write("The catalogue has collections already; the demo is not loaded.")
            return

        where = f"for {storage}" if storage else f"under {settings.DATA_ROOT}"
        self.stdout.write(f"Generating the demo catalogue {where} ...")
        with tqdm(
            total=demo_generation_steps(),
            unit="step",
            desc="demo",
            disable=options["verbosity"] == 0,
        ) as bar:
            try:
                report = demo_catalog_load(
                    data_root=settings.DATA_ROOT,
                    storage=storage,
                    progress=lambda _: bar.update(),
                )
            except StorageRefused as error:
                raise CommandError(str(error)) from None
        items = report.items
        if items.invalid:
            for error in items.invalid:
                self.stderr.write(f"invalid demo item {error}")
            raise CommandError("The demo generator made invalid STAC; this is a bug.")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalogue: {len(report.collections)} collections, "
                f"{items.created} items created, {items.updated} updated, "
                f"{items.unchanged} unchanged, in {seconds:.1f} s."
            )
        )
        self.stdout.write(f"Development login for restricted data: {DEMO_USER} / {DEMO_PASSWORD}")
