"""Who may see what: the one scope every page, API route, tile, snippet and file goes through.

Anonymous visitors see public collections. Signed-in users also see the restricted collections
they own, that are granted to one of their groups, or that are shared with them or one of their
groups and whose share has not expired. Superusers see everything.

Nothing here is cached: a revoked grant or an expired share counts from the next request on.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from catalog_portal.catalog.models import Collection, CollectionShare, Item

User = AbstractBaseUser | AnonymousUser


def visible_collections(user: User) -> QuerySet[Collection]:
    """Collections ``user`` may see (one query)."""
    collections = Collection.objects.all()
    if getattr(user, "is_superuser", False):
        return collections
    visible = Q(visibility=Collection.Visibility.PUBLIC)
    if user.is_authenticated:
        # Exists() rather than joins, so a user in several granted groups gets each
        # collection once and the query stays one statement.
        granted = Collection.groups.through.objects.filter(
            collection_id=OuterRef("pk"), group__user=user
        )
        shared = CollectionShare.objects.filter(
            Q(user=user) | Q(group__user=user),
            Q(expires__isnull=True) | Q(expires__gt=timezone.now()),
            collection_id=OuterRef("pk"),
        )
        visible |= Q(owner=user) | Exists(granted) | Exists(shared)
    return collections.filter(visible)


def visible_items(user: User) -> QuerySet[Item]:
    """Items of the collections ``user`` may see."""
    return Item.objects.filter(collection__in=visible_collections(user).values("pk"))


def collection_is_visible(*, user: User, collection: Collection) -> bool:
    """Whether ``user`` may see ``collection`` (one query at most)."""
    return visible_collections(user).filter(pk=collection.pk).exists()


def collection_may_share(*, user: User, collection: Collection) -> bool:
    """Whether ``user`` may share ``collection`` and see who has access: its owner and
    administrators (no query)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or collection.owner_id == user.pk
