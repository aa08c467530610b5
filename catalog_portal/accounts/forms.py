"""Forms of the account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog_portal.accounts.tokens import NAME_MAX


class TokenCreateForm(forms.Form):
    """Name a new API token."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=NAME_MAX,
        help_text=_("What will use it, e.g. “laptop notebook” or “nightly job”."),
    )
