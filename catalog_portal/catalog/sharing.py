"""Sharing a restricted collection with users and groups, and who has access to it.

Only the collection's owner and administrators share (``access.collection_may_share``); the
views ask that before calling these services, and the services ask it again, so no other
caller can forget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog_portal.catalog.access import User, collection_may_share
from catalog_portal.catalog.models import Collection, CollectionShare


class ShareInvalid(ValueError):
    """A share that cannot be made: unknown user or group, an expiry in the past, ..."""


@dataclass(frozen=True)
class AccessEntry:
    """One line of "who has access": a user or a group, how, and until when."""

    kind: str  # "owner", "group" (a standing grant) or "share"
    name: str
    is_group: bool
    expires: dt.datetime | None = None
    share_id: int | None = None

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()


def collection_share(
    *,
    collection: Collection,
    by: User,
    username: str = "",
    group_name: str = "",
    expires: dt.datetime | None = None,
) -> CollectionShare:
    """Share ``collection`` with the user ``username`` or the group ``group_name`` (one of
    them), until ``expires`` if given; sharing again replaces the expiry."""
    if not collection_may_share(user=by, collection=collection):
        raise PermissionDenied(_("Only the collection's owner and administrators share it."))
    username, group_name = username.strip(), group_name.strip()
    if bool(username) == bool(group_name):
        raise ShareInvalid(_("Name either a user or a group."))
    if expires is not None and expires <= timezone.now():
        raise ShareInvalid(_("The expiry date is in the past."))
    target: dict[str, AbstractBaseUser | Group]
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ShareInvalid(_("There is no user %(name)s.") % {"name": username})
        target = {"user": user}
    else:
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            raise ShareInvalid(_("There is no group %(name)s.") % {"name": group_name})
        target = {"group": group}
    with transaction.atomic():
        share, _created = CollectionShare.objects.update_or_create(
            collection=collection, **target, defaults={"expires": expires, "shared_by": by}
        )
    return share


def collection_unshare(*, collection: Collection, by: User, share_id: int) -> bool:
    """End the share ``share_id`` of ``collection``; False when there is no such share."""
    if not collection_may_share(user=by, collection=collection):
        raise PermissionDenied(_("Only the collection's owner and administrators share it."))
    deleted, _by_model = CollectionShare.objects.filter(collection=collection, pk=share_id).delete()
    return deleted > 0


def collection_access_list(*, collection: Collection) -> list[AccessEntry]:
    """Who may see ``collection`` besides administrators: its owner, the groups it is granted
    to, and its shares (expired ones included, marked), in two queries."""
    entries = []
    if collection.owner is not None:
        entries.append(AccessEntry("owner", collection.owner.get_username(), is_group=False))
    entries += [
        AccessEntry("group", group.name, is_group=True) for group in collection.groups.all()
    ]
    for share in collection.shares.select_related("user", "group"):
        target = share.user or share.group
        entries.append(
            AccessEntry(
                "share",
                share.user.get_username() if share.user else target.name,
                is_group=share.group is not None,
                expires=share.expires,
                share_id=share.pk,
            )
        )
    return entries
