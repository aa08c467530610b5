"""One check of every request's URL before any view: a query string within its length limit,
and no NUL character in the path or the query (PostgreSQL refuses to store or compare text
holding one, and answered such requests with a 500)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.lib.urls import path_is_api


def url_check(*, request: HttpRequest) -> None:
    """Raise InvalidParameter for a query string over the limit or a NUL in the URL."""
    query_string = request.META.get("QUERY_STRING", "")
    if len(query_string) > limits.MAX_QUERY_STRING:
        raise InvalidParameter(
            "query string", f"is longer than {limits.MAX_QUERY_STRING} characters"
        )
    limits.text_check(request.path, parameter="path")
    try:
        parameters = request.GET.lists()
    except TooManyFieldsSent:
        count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise InvalidParameter("query string", f"has more than {count} parameters") from None
    for key, values in parameters:
        limits.text_check(key, parameter="query string")
        for value in values:
            limits.text_check(value, parameter=key)


class RequestLimitsMiddleware:
    """Answers a bad URL with a 400: the API's JSON error, or the site's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            url_check(request=request)
        except InvalidParameter as error:
            if path_is_api(request.path):
                return JsonResponse(
                    {"code": "InvalidParameterValue", "description": str(error)}, status=400
                )
            raise BadRequest(str(error)) from None
        return self.get_response(request)
