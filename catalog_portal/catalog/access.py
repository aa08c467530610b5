"""Who may see what: the one scope every page, API route, tile, snippet and file goes through.

Anonymous visitors see public collections. Signed-in users also see the restricted collections
they own, that are granted to one of their groups, or that are shared with them or one of their
groups and whose share has not expired. Superusers see everything.

Nothing here outlives a request: a revoked grant or an expired share counts from the next
request on. Within one request the scope is read once, into a ``Viewer`` (``viewer_read``;
Django's views find it at ``request.viewer``), which pages, the API, snippets and tiles pass to
the search layer instead of asking the database again. Reads of one row (an item, a
collection, a data file) keep the scope as a subquery of their one statement instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
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


@dataclass(frozen=True)
class Viewer:
    """A caller and what they may see, read once per request: their user, the primary keys of
    their visible collections (equal scopes compare equal, so caches can share by them) and
    those collections, in the catalogue's order (none when read by ``viewer_scope_read``)."""

    user: User = field(compare=False)
    collection_ids: frozenset[int]
    collections: tuple[Collection, ...] = field(default=(), compare=False, repr=False)

    @property
    def scope(self) -> frozenset[int]:
        """The tile app's name for ``collection_ids`` (its cache keys)."""
        return self.collection_ids

    def collection(self, stac_id: str) -> Collection | None:
        """The visible collection ``stac_id``, or None (no query)."""
        return next((c for c in self.collections if c.stac_id == stac_id), None)


def viewer_read(*, user: User) -> Viewer:
    """``user`` and the collections they may see (one query), each with its owner and
    ``newest_item_id`` (whose preview stands in for a missing thumbnail), ordered as the
    catalogue lists them.

    Whole rows, documents included: the catalogue, explore, snippets and the API show them,
    and a portal has tens of collections, not thousands.
    """
    newest = Item.objects.filter(collection=OuterRef("pk")).order_by("-datetime", "stac_id")
    collections = tuple(
        visible_collections(user)
        .select_related("owner")
        .annotate(newest_item_id=Subquery(newest.values("stac_id")[:1]))
        .order_by("-featured", "featured_order", "title", "stac_id")
    )
    return Viewer(
        user=user,
        collection_ids=frozenset(c.pk for c in collections),
        collections=collections,
    )


def viewer_scope_read(*, user: User) -> Viewer:
    """``user`` and the primary keys of the collections they may see, without the collections
    (one query, no documents): for callers that need the scope alone, such as an item's
    tiles, whose item is read with its collection and cached by the scope."""
    ids = visible_collections(user).values_list("pk", flat=True)
    return Viewer(user=user, collection_ids=frozenset(ids))
