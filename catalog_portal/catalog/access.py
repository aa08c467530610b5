"""Who may see what: the one scope every page, API route and tile request goes through.

Anonymous visitors see public collections. Signed-in users also see restricted collections
granted to one of their groups. Superusers see everything.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog_portal.catalog.models import Collection, Item

User = AbstractBaseUser | AnonymousUser


def visible_collections(user: User) -> QuerySet[Collection]:
    """Collections ``user`` may see."""
    collections = Collection.objects.all()
    if getattr(user, "is_superuser", False):
        return collections
    visible = Q(visibility=Collection.Visibility.PUBLIC)
    if user.is_authenticated:
        # Exists() rather than a join, so a user in several granted groups gets each
        # collection once and the query stays one statement.
        granted = Collection.groups.through.objects.filter(
            collection_id=OuterRef("pk"), group__user=user
        )
        visible |= Q(visibility=Collection.Visibility.RESTRICTED) & Exists(granted)
    return collections.filter(visible)


def visible_items(user: User) -> QuerySet[Item]:
    """Items of the collections ``user`` may see."""
    return Item.objects.filter(collection__in=visible_collections(user).values("pk"))


def collection_is_visible(*, user: User, collection: Collection) -> bool:
    """Whether ``user`` may see ``collection`` (one query at most)."""
    return visible_collections(user).filter(pk=collection.pk).exists()
