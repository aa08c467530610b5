"""Single sign-on through OpenID Connect (mozilla-django-oidc), off unless OIDC_ENABLED.

The provider's users sign in with the authorization-code flow at /oidc/authenticate/ (the
login page shows the button); a first sign-in creates a portal user, matched afterwards by
e-mail address as mozilla-django-oidc does. With OIDC_GROUPS_CLAIM, the provider's groups
decide which portal groups, and so which restricted collections, the user has.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend, default_username_algo
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend: silent when OIDC is off; readable usernames; groups."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> AbstractBaseUser | None:
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_username(self, claims: dict[str, Any]) -> str:
        """The provider's ``preferred_username`` when no portal user has it yet."""
        wanted = str(claims.get("preferred_username") or "").strip()[:150]
        if wanted and not get_user_model().objects.filter(username=wanted).exists():
            return wanted
        return default_username_algo(claims.get("email"), claims)

    def create_user(self, claims: dict[str, Any]) -> AbstractBaseUser:
        user = super().create_user(claims)
        user.set_unusable_password()  # signs in through the provider only
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def update_user(self, user: AbstractBaseUser, claims: dict[str, Any]) -> AbstractBaseUser:
        claim = settings.OIDC_GROUPS_CLAIM
        if claim and isinstance(claims.get(claim), list):
            names = [str(name) for name in claims[claim]]
            user.groups.set(Group.objects.filter(name__in=names))
        return user


def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    """Send the visitor to the provider's login (GET /oidc/authenticate/)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not configured")
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the visitor back (GET /oidc/callback/)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not configured")
    return OIDCAuthenticationCallbackView.as_view()(request)
