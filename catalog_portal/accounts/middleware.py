"""API tokens on Django's side: ``Authorization: Bearer <token>`` signs a request in.

Runs after Django's AuthenticationMiddleware and replaces its (session) user, so the STAC API,
the snippets and every page see the token's user through ``request.user`` like any other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog_portal.accounts.tokens import (
    TOKEN_REFUSED,
    WWW_AUTHENTICATE,
    api_token_user,
    bearer_secret,
)


def token_refused() -> JsonResponse:
    """The answer to an unknown or revoked token: 401, in the STAC API's error form."""
    response = JsonResponse({"code": "Unauthorized", "description": TOKEN_REFUSED}, status=401)
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


class ApiTokenMiddleware:
    """Sign in the user of a request's bearer token; refuse a token that names nobody."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        secret = bearer_secret(request.headers.get("Authorization"))
        if secret is not None:
            user = api_token_user(secret=secret)
            if user is None:
                return token_refused()
            request.user = user

            async def auser():
                return user

            request.auser = auser
            # A program with a token sends no CSRF cookie; forms are for sessions, and a
            # token cannot be sent by another site's page the way a cookie is.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
