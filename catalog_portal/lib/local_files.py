"""The folders and the development secret a portal on one machine needs, made when Django
starts (``CatalogConfig.ready``) rather than when the settings are imported: reading the
settings (a linter, a docs build, ``manage.py check`` in a read-only image) writes nothing.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def local_folders_create() -> None:
    """Make the SQLite database's folder (SQLite makes the file, not its folder) and
    STATIC_ROOT (whitenoise warns about a missing one)."""
    folders = [Path(settings.STATIC_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folders.append(Path(database["NAME"]).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def dev_secret_create() -> None:
    """Without SECRET_KEY (development only: settings refuse that with DEBUG off), use the
    key kept in SECRET_KEY_DEV_FILE, making it with a random value the first time."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty key when it is read
    except ImproperlyConfigured:
        pass
    else:
        return
    path = Path(settings.SECRET_KEY_DEV_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    settings.SECRET_KEY = path.read_text().strip()
