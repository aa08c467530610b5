"""Who is asking, on Django's side: the session or an API token, through ``request_user``.

``RequestUserMiddleware`` takes the place of Django's AuthenticationMiddleware (it is a
subclass, so django-axes, ``login`` and ``logout`` see what they expect): ``request.user`` and
``request.auser()`` are whoever ``accounts/authentication.request_user`` says, lazily, and
``request.viewer`` is that user's scope (``catalog/access.Viewer``), read at most once per
request.

Django's own CsrfViewMiddleware stays as it is (its deploy check asks for it by name): the
STAC API's views are ``csrf_exempt`` (django-ninja makes them so), which is where programs
with a token POST; the pages' forms are for browsers and keep their CSRF token, whoever
sends them.
"""

from __future__ import annotations

from functools import cache

from asgiref.sync import sync_to_async
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import SimpleLazyObject

from catalog_portal.accounts.authentication import Credentials, InvalidToken, request_user
from catalog_portal.accounts.tokens import TOKEN_REFUSED, WWW_AUTHENTICATE
from catalog_portal.catalog.access import viewer_read


def token_refused() -> JsonResponse:
    """The answer to an unknown or revoked token: 401, in the STAC API's error form."""
    response = JsonResponse({"code": "Unauthorized", "description": TOKEN_REFUSED}, status=401)
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


class RequestUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, answering with ``request_user``: an API token signs
    a request in; a token that names nobody is refused with 401."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        credentials = Credentials.of(headers=request.headers, cookies=request.COOKIES)
        resolved = cache(lambda: request_user(credentials=credentials, session=request.session))
        if credentials.bearer is not None:
            # Resolved now, not lazily: a refused token answers before any view runs.
            try:
                resolved()
            except InvalidToken:
                return token_refused()
        request.user = SimpleLazyObject(resolved)
        request.auser = sync_to_async(resolved)
        request.viewer = SimpleLazyObject(lambda: viewer_read(user=request.user))
        return None
