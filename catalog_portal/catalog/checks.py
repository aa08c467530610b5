"""System checks that run with ``migrate``: PostgreSQL must offer PostGIS."""

from __future__ import annotations

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def postgis_available(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail early, with a hint, when a PostgreSQL server has no PostGIS package installed."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            available = cursor.fetchone() is not None
        if not available:
            errors.append(
                checks.Error(
                    f"The PostgreSQL server of database {alias!r} has no PostGIS extension.",
                    hint="Install it on the server "
                    "(Debian: apt-get install postgresql-15-postgis-3).",
                    id="catalog.E001",
                )
            )
    return errors
