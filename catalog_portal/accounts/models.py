"""Personal API tokens: what a program presents instead of a session cookie."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A named bearer token of one user. Only a digest of its secret is stored; the secret is
    shown once, when the token is created (see ``tokens.api_token_create``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The first characters of the secret, so its owner can tell tokens apart in the list.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret.")
    created = models.DateTimeField(auto_now_add=True)
    # Updated at most once a minute (tokens.LAST_USED_EVERY): a tile server would otherwise
    # write a row for every tile.
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
