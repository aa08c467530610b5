"""Sharing a collection from its page: share, end a share, and the names the form suggests.

Only the collection's owner and administrators reach these; the services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog_portal.catalog.access import collection_may_share
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.selectors import visible_collection
from catalog_portal.catalog.sharing import (
    NAME_PREFIX_MAX,
    NAME_PREFIX_MIN,
    ShareInvalid,
    collection_share,
    collection_unshare,
    share_names,
)
from catalog_portal.web.share_form import ShareForm
from catalog_portal.web.views import collection_page_render


def _shareable(request: HttpRequest, collection_id: str) -> Collection:
    collection = visible_collection(user=request.user, stac_id=collection_id)
    if collection is None or not collection_may_share(user=request.user, collection=collection):
        raise Http404("No such collection")  # as for anyone who may not see it
    return collection


@login_required
@require_POST
def share_add(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Share the collection (POST /collections/<c>/share/); a refused share shows the page
    again (400) with what was typed and why."""
    collection = _shareable(request, collection_id)
    form = ShareForm(request.POST)
    if form.is_valid():
        is_user = form.cleaned_data["kind"] == "user"
        name = form.cleaned_data["name"]
        try:
            collection_share(
                collection=collection,
                by=request.user,
                username=name if is_user else "",
                group_name="" if is_user else name,
                expires=form.expires(),
            )
        except ShareInvalid as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Shared with %(name)s.") % {"name": name})
            return redirect("collection", collection_id)
    return collection_page_render(
        request, collection, share_form=form.focus_first_error(), status=400
    )


@login_required
@require_POST
def share_remove(request: HttpRequest, collection_id: str, share_id: int) -> HttpResponse:
    """End a share of the collection (POST /collections/<c>/shares/<id>/remove/)."""
    collection = _shareable(request, collection_id)
    collection_unshare(collection=collection, by=request.user, share_id=share_id)
    messages.success(request, _("The share has ended."))
    return redirect("collection", collection_id)


@login_required
@require_GET
def share_names_lookup(request: HttpRequest, collection_id: str) -> JsonResponse:
    """Names to share with that start with ``q`` (GET /collections/<c>/share/names/?kind=user
    &q=ch): ``{"names": [...]}``, for the form's suggestions."""
    collection = _shareable(request, collection_id)
    kind, prefix = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    if kind not in ("user", "group"):
        return _bad_lookup(_("kind: either user or group."))
    if not NAME_PREFIX_MIN <= len(prefix) <= NAME_PREFIX_MAX:
        return _bad_lookup(
            _("q: from %(min)d to %(max)d characters.")
            % {"min": NAME_PREFIX_MIN, "max": NAME_PREFIX_MAX}
        )
    names = share_names(collection=collection, by=request.user, kind=kind, prefix=prefix)
    return JsonResponse({"names": names})


def _bad_lookup(description: str) -> JsonResponse:
    # The shape every machine-facing error of the portal has.
    return JsonResponse({"code": "InvalidParameterValue", "description": description}, status=400)
