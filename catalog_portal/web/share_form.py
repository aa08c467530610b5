"""Sharing a collection from its page: the form's two actions (share, end a share).

Only the collection's owner and administrators see the form; the services check again.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog_portal.catalog.access import collection_may_share
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.selectors import visible_collection
from catalog_portal.catalog.sharing import ShareInvalid, collection_share, collection_unshare


class ShareForm(forms.Form):
    """Share with a user or a group, until a date if given."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Share with"),
        choices=[("user", gettext_lazy("a user")), ("group", gettext_lazy("a group"))],
        widget=forms.RadioSelect,
        initial="user",
    )
    name = forms.CharField(label=gettext_lazy("Username or group name"), max_length=150)
    until = forms.DateField(
        label=gettext_lazy("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Access ends at the end of this day (UTC)."),
    )

    def expires(self) -> dt.datetime | None:
        until = self.cleaned_data.get("until")
        if until is None:
            return None
        # The last second of that day, so the access list shows the day that was chosen.
        return dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)


def _shareable(request: HttpRequest, collection_id: str) -> Collection:
    collection = visible_collection(user=request.user, stac_id=collection_id)
    if collection is None or not collection_may_share(user=request.user, collection=collection):
        raise Http404("No such collection")  # as for anyone who may not see it
    return collection


@login_required
@require_POST
def share_add(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Share the collection (POST /collections/<c>/share/)."""
    collection = _shareable(request, collection_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The share could not be made: check the name and the date."))
        return redirect("collection", collection_id)
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
        messages.error(request, str(error))
    else:
        messages.success(request, _("Shared with %(name)s.") % {"name": name})
    return redirect("collection", collection_id)


@login_required
@require_POST
def share_remove(request: HttpRequest, collection_id: str, share_id: int) -> HttpResponse:
    """End a share of the collection (POST /collections/<c>/shares/<id>/remove/)."""
    collection = _shareable(request, collection_id)
    collection_unshare(collection=collection, by=request.user, share_id=share_id)
    messages.success(request, _("The share has ended."))
    return redirect("collection", collection_id)
