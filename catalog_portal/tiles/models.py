"""Registered searches: a search saved once under a short id, so its mosaic tiles have
stable, cacheable URLs (``/tiles/searches/{id}/...``)."""

from __future__ import annotations

from django.db import models


class RegisteredSearch(models.Model):
    """A search's parameters under the hash of their canonical JSON (the same search, the same
    id). Who may see what is decided per request, so the row holds no user."""

    id = models.CharField(primary_key=True, max_length=32)
    query = models.JSONField(help_text="The search's parameters.")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.id
