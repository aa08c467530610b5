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
    """A share that cannot be made: unknown user or group, an expiry in the past, one that
    adds nothing, ...; ``field`` is the input it is about ("name" or "until")."""

    def __init__(self, message: str, *, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


# What a name lookup answers at most, and the shortest and longest start of a name it takes.
NAMES_LIMIT = 10
NAME_PREFIX_MIN, NAME_PREFIX_MAX = 2, 150


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
    them), until ``expires`` if given; sharing again with another expiry replaces it. A share
    that would add nothing (with the owner, with a group granted by an administrator, or the
    same share again) is refused."""
    if not collection_may_share(user=by, collection=collection):
        raise PermissionDenied(_("Only the collection's owner and administrators share it."))
    username, group_name = username.strip(), group_name.strip()
    if bool(username) == bool(group_name):
        raise ShareInvalid(_("Name either a user or a group."))
    if expires is not None and expires <= timezone.now():
        raise ShareInvalid(_("The expiry date is in the past."), field="until")
    target: dict[str, AbstractBaseUser | Group]
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ShareInvalid(_("There is no user %(name)s.") % {"name": username})
        if user.pk == collection.owner_id:
            raise ShareInvalid(_("%(name)s owns this collection.") % {"name": username})
        target = {"user": user}
    else:
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            raise ShareInvalid(_("There is no group %(name)s.") % {"name": group_name})
        if collection.groups.filter(pk=group.pk).exists():
            raise ShareInvalid(
                _("The group %(name)s already has access (granted by an administrator).")
                % {"name": group_name}
            )
        target = {"group": group}
    with transaction.atomic():
        # One share per user or group (the unique constraints); the same one again is refused,
        # another expiry replaces the old.
        existing = CollectionShare.objects.filter(collection=collection, **target).first()
        if existing is not None and existing.expires == expires:
            raise ShareInvalid(
                _("%(name)s already has access: the collection is shared with them.")
                % {"name": username or group_name}
            )
        share, _created = CollectionShare.objects.update_or_create(
            collection=collection, **target, defaults={"expires": expires, "shared_by": by}
        )
    return share


def share_names(*, collection: Collection, by: User, kind: str, prefix: str) -> list[str]:
    """Up to ``NAMES_LIMIT`` names of active users (``kind`` "user") or groups ("group") that
    start with ``prefix`` (any case) and have no access to ``collection`` yet, in one query:
    what the share form offers its owner while typing."""
    if not collection_may_share(user=by, collection=collection):
        raise PermissionDenied(_("Only the collection's owner and administrators share it."))
    shares = CollectionShare.objects.filter(collection=collection)
    if kind == "user":
        field = get_user_model().USERNAME_FIELD
        candidates = get_user_model().objects.filter(is_active=True)
        candidates = candidates.exclude(pk__in=shares.filter(user__isnull=False).values("user"))
        candidates = candidates.exclude(pk=collection.owner_id or 0)
    else:
        field = "name"
        granted = Collection.groups.through.objects.filter(collection=collection)
        candidates = Group.objects.exclude(pk__in=granted.values("group"))
        candidates = candidates.exclude(pk__in=shares.filter(group__isnull=False).values("group"))
    found = candidates.filter(**{f"{field}__istartswith": prefix}).order_by(field)
    return list(found.values_list(field, flat=True)[:NAMES_LIMIT])


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
