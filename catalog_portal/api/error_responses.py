"""One table from errors to STAC API error responses (``{"code", "description"}``)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.data.files import HrefNotSignable
from catalog_portal.lib.db_errors import (
    DATABASE_UNAVAILABLE,
    database_failure_of,
    django_response_finish,
)


class NotFound(Exception):
    """A collection or item that does not exist, or that the caller may not see."""


def _error(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, description: str
) -> HttpResponse:
    return api.create_response(request, {"code": code, "description": description}, status=status)


def _database_unavailable(api: NinjaAPI, request: HttpRequest, error: Exception) -> HttpResponse:
    failure = database_failure_of(error)
    response = _error(api, request, failure.status, "ServiceUnavailable", failure.message)
    return django_response_finish(request=request, response=response, error=error)


def add_exception_handlers(api: NinjaAPI) -> None:
    """Register the mapping on ``api``; endpoints raise, they never catch."""

    for unavailable in DATABASE_UNAVAILABLE:
        api.add_exception_handler(unavailable, partial(_database_unavailable, api))

    @api.exception_handler(InvalidParameter)
    def invalid_parameter(request: HttpRequest, error: InvalidParameter) -> HttpResponse:
        return _error(api, request, 400, "InvalidParameterValue", str(error))

    @api.exception_handler(ValidationError)
    def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
        problems = []
        for problem in error.errors:
            where = ".".join(
                str(part) for part in problem.get("loc", []) if part not in ("body", "query")
            )
            problems.append(f"{where}: {problem.get('msg', 'invalid')}")
        return _error(api, request, 400, "InvalidParameterValue", "; ".join(problems))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        # ninja wraps what the body parser raises; the cause carries the message to show.
        if isinstance(error.__cause__, InvalidParameter):
            return invalid_parameter(request, error.__cause__)
        return _error(api, request, error.status_code, "InvalidParameterValue", str(error))

    @api.exception_handler(RequestDataTooBig)
    def body_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error(
            api, request, 400, "InvalidParameterValue", f"body: is larger than {limit} bytes"
        )

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
        return _error(api, request, 404, "NotFound", str(error))

    @api.exception_handler(HrefNotSignable)
    def href_not_signable(request: HttpRequest, error: HrefNotSignable) -> HttpResponse:
        return _error(api, request, 404, "NotFound", str(error))

    @api.exception_handler(Http404)
    def http_404(request: HttpRequest, error: Http404) -> HttpResponse:
        return _error(api, request, 404, "NotFound", str(error) or "not found")
