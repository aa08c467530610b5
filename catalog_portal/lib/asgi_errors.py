"""Errors of the portal's ASGI apps that are not Django (the tile server, the data API), in the
STAC API's shape ``{"code", "description"}``.

Each app keeps its own table of exceptions and statuses (titiler's ``DEFAULT_STATUS_CODES``
pattern); the handlers here turn a table into answers. A client error's message is ours and
names what was wrong; a server-side failure answers a fixed message, since an exception's text
can hold file paths or database errors, and is logged once with the request path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_portal.lib.db_errors import DATABASE_UNAVAILABLE, database_failure

logger = logging.getLogger("catalog_portal.errors")

# The STAC API's codes (api/error_responses.py); other statuses use HTTP's own phrase.
CODES = {400: "InvalidParameterValue", 404: "NotFound"}
FAILED = "the server could not answer this request; the error was logged"
UNAVAILABLE = "the service is unavailable for a moment; try again shortly"


def error_code(status: int) -> str:
    """The machine-readable code of ``status``: ``InvalidParameterValue``, ``NotFound``, …"""
    return CODES.get(status) or HTTPStatus(status).phrase.replace(" ", "")


def error_response(
    *,
    status: int,
    description: str,
    headers: Mapping[str, str] | None = None,
    with_detail: bool = False,
) -> JSONResponse:
    """The error answer; ``with_detail`` repeats the description as ``detail`` (TiTiler's key,
    which titiler clients read)."""
    body = {"code": error_code(status), "description": description}
    if with_detail:
        body["detail"] = description
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def failure_log(*, request_line: str, error: BaseException) -> None:
    """Log a server-side failure once, with its traceback and the request it failed."""
    logger.error("failed to answer %s", request_line, exc_info=error)


def status_handlers(
    table: Mapping[type[Exception], int], *, with_detail: bool = False
) -> dict[type[Exception], Callable[[Request, Exception], JSONResponse]]:
    """Exception handlers (Starlette's ``exception_handlers``) answering by ``table``, and
    database failures with a 503."""

    def handler_for(status: int) -> Callable[[Request, Exception], JSONResponse]:
        def answer(request: Request, error: Exception) -> JSONResponse:
            if status < 500:
                description = str(error)
            else:
                failure_log(request_line=f"{request.method} {request.url.path}", error=error)
                description = UNAVAILABLE if status == 503 else FAILED
            return error_response(status=status, description=description, with_detail=with_detail)

        return answer

    def http_exception(request: Request, error: Exception) -> JSONResponse:
        # Starlette's own refusals (no such route, method not allowed), in the same shape.
        assert isinstance(error, HTTPException)
        return error_response(
            status=error.status_code,
            description=str(error.detail),
            headers=error.headers,
            with_detail=with_detail,
        )

    def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        # An outage or a statement past its time limit: 503 with Retry-After (lib/db_errors.py).
        failure = database_failure(error=error, path=request.url.path)
        return error_response(
            status=failure.status,
            description=failure.message,
            headers=failure.headers,
            with_detail=with_detail,
        )

    handlers = {exception: handler_for(status) for exception, status in table.items()}
    unavailable = dict.fromkeys(DATABASE_UNAVAILABLE, database_unavailable)
    return {HTTPException: http_exception, **unavailable, **handlers}


class UnexpectedErrors:
    """ASGI middleware: any exception no handler took answers 500 with a fixed message, logged
    once (instead of Starlette's plain-text 500 and a second traceback from the server)."""

    def __init__(self, app: ASGIApp, *, with_detail: bool = False) -> None:
        self.app = app
        self.with_detail = with_detail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as error:  # noqa: BLE001 - the last resort: logged, answered, not raised
            failure_log(request_line=f"{scope.get('method')} {scope.get('path')}", error=error)
            if not started:  # else the client sees the connection end mid-answer
                response = error_response(
                    status=500, description=FAILED, with_detail=self.with_detail
                )
                await response(scope, receive, send)
