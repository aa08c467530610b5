"""Account pages: the profile with its API tokens (create, list, revoke)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from catalog_portal.accounts.forms import TokenCreateForm
from catalog_portal.accounts.tokens import (
    TokenNameInvalid,
    api_token_create,
    api_token_revoke,
    api_tokens_of,
)
from catalog_portal.catalog.selectors import restricted_collections_of
from catalog_portal.lib.urls import api_url_build

# The session key under which a new token's secret waits for the one page that shows it.
NEW_SECRET = "accounts.new_token_secret"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Who you are, which restricted collections you see, and your API tokens
    (GET /accounts/profile/; POST creates a token)."""
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except TokenNameInvalid as error:
            form.add_error("name", str(error))
        else:
            # Shown once, on the page the redirect leads to; kept server-side until then.
            request.session[NEW_SECRET] = secret
            return redirect("profile")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "new_secret": request.session.pop(NEW_SECRET, None),
            "tokens": api_tokens_of(user=request.user),
            "groups": request.user.groups.order_by("name"),
            "restricted": restricted_collections_of(user=request.user),
            "api_url": api_url_build(absolute=request.build_absolute_uri),
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens (POST /accounts/tokens/<id>/revoke/)."""
    api_token_revoke(user=request.user, token_id=token_id)
    return redirect("profile")
