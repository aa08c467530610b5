"""Start-up checks of ``manage.py serve``: what would otherwise fail on every request."""

from __future__ import annotations

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
