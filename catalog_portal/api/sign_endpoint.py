"""Signed data URLs through the STAC API: GET /api/v1/sign?href=<data URL>[&expires_in=<s>]."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from catalog_portal.api.documents import JSON
from catalog_portal.api.openapi import documented
from catalog_portal.data.files import data_href_sign
from catalog_portal.data.signed_urls import lifetime_check

router = Router(tags=["signing"])


class SignQuery(Schema):
    """What to sign and for how long."""

    href: str
    expires_in: int | None = None  # seconds; SIGNED_URL_SECONDS when left out


@router.get("/sign", summary="Sign a data URL", **documented(JSON, not_found=True))
def sign(request: HttpRequest, query: Query[SignQuery]) -> JsonResponse:
    """A signed, expiring URL of a data file the caller may read, usable without a session or
    token; sign a signed URL again to renew it (GET /api/v1/sign)."""
    seconds = lifetime_check(query.expires_in)
    path, signed = data_href_sign(user=request.user, href=query.href, seconds=seconds)
    return JsonResponse(
        {
            "href": request.build_absolute_uri(path),
            "expires": signed.expires.isoformat().replace("+00:00", "Z"),
        }
    )
