"""The base of management commands that load catalogues in bulk."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalog_portal.lib.db_sessions import command_limits


class BulkCommand(BaseCommand):
    """A command whose statements may run longer than a request's: it runs under
    DB_COMMAND_STATEMENT_TIMEOUT instead of DB_STATEMENT_TIMEOUT."""

    def execute(self, *args, **options):
        with command_limits():
            return super().execute(*args, **options)
