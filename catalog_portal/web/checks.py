"""Start-up checks of ``manage.py serve``: what would otherwise fail on every request."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage


def static_files_problem() -> str | None:
    """Why pages cannot be served with the configured static files storage, or None.

    With DEBUG off, static files come from STATIC_ROOT through a manifest (hashed names) that
    only ``collectstatic`` writes; without it every page that links a stylesheet is a 500.
    """
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return None  # development: whitenoise serves static/ as it is
    if storage.manifest_storage.exists(storage.manifest_name):
        return None
    return (
        f"No collected static files in STATIC_ROOT={settings.STATIC_ROOT} "
        f"(no {storage.manifest_name}): run `python manage.py collectstatic --noinput` "
        "before serving with DEBUG=false."
    )


def shared_key_problem(*, database_vendor: str) -> str | None:
    """Why portal processes on other machines sharing this database (``connection.vendor``)
    would refuse this one's logins and signed URLs, or None.

    Without SECRET_KEY (development), each process keeps a key of its own in its VAR_DIR. On
    one machine they share the file; a PostgreSQL database is shared across machines, where
    each process would make its own key and nothing would say why logins fail.
    """
    if database_vendor == "sqlite":
        return None
    key_file = Path(settings.SECRET_KEY_DEV_FILE)
    if not key_file.is_file() or key_file.read_text().strip() != settings.SECRET_KEY:
        return None
    return (
        f"SECRET_KEY is this machine's development key ({key_file}): a portal process with "
        "another VAR_DIR (another machine or container) on this database makes its own, and "
        "logins and signed URLs made by one fail on the other. Set the same SECRET_KEY (or "
        "SECRET_KEY_FILE) for every process."
    )
