"""``python manage.py serve``: run the portal's ASGI application (Django + tiles) with uvicorn."""

from __future__ import annotations

import os

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog_portal.web.checks import shared_key_problem, static_files_problem


class Command(BaseCommand):
    help = "Serve the portal (pages, API and tiles) with uvicorn."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "1")),
            help="Worker processes (ignored with --reload).",
        )
        reload = parser.add_mutually_exclusive_group()
        reload.add_argument("--reload", dest="reload", action="store_true", default=None)
        reload.add_argument("--no-reload", dest="reload", action="store_false")

    def handle(self, *, host: str, port: int, workers: int, reload: bool | None, **options) -> None:
        # Stop here rather than answer 500 on every page (collecting at start instead would
        # write into STATIC_ROOT from each worker, which a read-only image may not allow).
        if problem := static_files_problem():
            raise CommandError(problem)
        if problem := shared_key_problem(database_vendor=connection.vendor):
            self.stderr.write(self.style.WARNING(problem))
        # Reloading is for development only: on by default when DEBUG is.
        reload = settings.DEBUG if reload is None else reload
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"Catalog Portal at http://{shown}:{port}/"))
        uvicorn.run(
            "catalog_portal.asgi:application",
            host=host,
            port=port,
            reload=reload,
            reload_dirs=[str(settings.BASE_DIR / d) for d in ("catalog_portal", "templates")]
            if reload
            else None,
            workers=None if reload else workers,
            proxy_headers=True,
            log_level="info",
        )
