"""The answers to errors outside the STAC API's own table: the site's pages for people, the
STAC API's JSON shape (``{"code", "description"}``) below /api/. Never an exception's text.

Django calls the handlers (wired in urls.py and CSRF_FAILURE_VIEW); the middleware turns the
search layer's InvalidParameter, raised by any HTML view, into the 400 page with its message,
so views raise and never catch.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.lib.urls import path_is_api
from catalog_portal.web.unavailable import unavailable_page

logger = logging.getLogger(__name__)

# Status → the STAC API's error code and the sentence for machines.
CODES = {
    400: ("InvalidParameterValue", "the request cannot be answered as it is"),
    403: ("Forbidden", "the request is not allowed"),
    404: ("NotFound", "not found"),
    500: ("ServerError", "the server failed to answer; the failure is logged"),
}


def error_response(*, request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The error page ``{status}.html`` (or JSON below /api/), with ``message`` if one is
    meant for the visitor (a bad parameter's reason), never an exception's text."""
    code, sentence = CODES[status]
    if path_is_api(request.path):
        return JsonResponse({"code": code, "description": message or sentence}, status=status)
    try:
        return render(request, f"{status}.html", {"message": message}, status=status)
    except Exception:  # the page itself failed (e.g. its context needs the database)
        logger.exception("the %s page failed for %s", status, request.path)
        return HttpResponse(f"{sentence}\n", status=status, content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 (a bad Host header, a malformed request)."""
    return error_response(request=request, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403."""
    return error_response(request=request, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form that is stale or came from elsewhere is a 403 page too."""
    return error_response(request=request, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404 (Http404's text, e.g. "No such collection", stays in the logs' domain)."""
    return error_response(request=request, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (Django has logged the exception with the request path). A database failure
    outside any view (a middleware looking up an API token) is the 503 answer instead."""
    return unavailable_page(request=request, error=sys.exc_info()[1]) or error_response(
        request=request, status=500
    )


class InvalidParameterMiddleware:
    """An InvalidParameter from an HTML view becomes the 400 page naming the parameter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidParameter):
            return error_response(request=request, status=400, message=str(exception))
        return None
