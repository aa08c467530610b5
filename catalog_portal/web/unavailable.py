"""Pages whose database failed (an outage, a statement past its time limit) answer 503 with
Retry-After and a short page, never a 500 with the database's words (lib/db_errors.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext

from catalog_portal.lib.db_errors import (
    DATABASE_UNAVAILABLE,
    database_failure_of,
    django_response_finish,
)
from catalog_portal.lib.urls import path_is_api


def unavailable_page(*, request: HttpRequest, error: BaseException | None) -> HttpResponse | None:
    """The 503 page for ``error`` when it means the database cannot answer, else None."""
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return None
    failure = database_failure_of(error)
    if path_is_api(request.path):
        # The STAC API's error shape (api/error_responses.py), for failures before its router runs.
        response: HttpResponse = JsonResponse(
            {"code": "ServiceUnavailable", "description": failure.message}, status=failure.status
        )
    else:
        # Rendered without the request: its context processors (the user, the session) would
        # ask the database that just failed. The language is the one LocaleMiddleware chose.
        context = {"message": gettext(failure.message)}
        response = HttpResponse(render_to_string("503.html", context), status=failure.status)
    return django_response_finish(request=request, response=response, error=error)


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Turn a view's database failure into the 503 page."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable_page(request=request, error=exception)
