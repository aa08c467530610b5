"""The catalogue: STAC collections and items.

Each row keeps its STAC document (``stac``) and copies out what is searched or sorted into
indexed columns. An item's footprint is stored once: on PostgreSQL in the PostGIS ``geom``
column, which the database fills from the document's geometry and takes out of the stored
document with the other parts the columns hold (catalog/item_documents.py); on SQLite in the
document, which the spatial test reads (catalog/spatial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog_portal.catalog.item_documents import GeometryColumn, document_whole


class Collection(models.Model):
    """A STAC collection plus the curation the catalogue page needs."""

    class Category(models.TextChoices):
        ORTHOFOTOS = "orthofotos", "Orthofotos"
        SENTINEL_1 = "sentinel-1", "Sentinel-1"
        SENTINEL_2 = "sentinel-2", "Sentinel-2"
        OTHER = "other", _("Other")  # the others are names, the same in every language

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        RESTRICTED = "restricted", "Restricted to groups"

    class QueryablesSource(models.TextChoices):
        ITEMS = "items", "Derived from the items"
        SOURCE = "source", "The source STAC API's queryables"
        ADMIN = "admin", "Set by an administrator"

    stac_id = models.CharField("STAC id", max_length=255, unique=True)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    stac = models.JSONField("STAC document")

    category = models.CharField(max_length=32, choices=Category, default=Category.OTHER)
    featured = models.BooleanField(default=False)
    featured_order = models.PositiveIntegerField(
        default=0, help_text="Featured collections are listed by this number, lowest first."
    )
    visibility = models.CharField(max_length=16, choices=Visibility, default=Visibility.PUBLIC)
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="collections",
        help_text="Groups whose members may see a restricted collection.",
    )
    # May share the collection with users and groups (as administrators may).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_collections",
    )
    # Kept by the ingest services (collection_stats_refresh): counting a million items
    # on every catalogue page view would be the slowest part of the page.
    item_count = models.PositiveIntegerField(default=0, editable=False)
    # Whether any item spans an interval; when none does, a temporal search is a plain
    # range on the datetime index (see search/query.py).
    has_interval_items = models.BooleanField(default=False, editable=False)

    # JSON Schema properties of the items' queryable properties (catalog/queryables.py).
    queryables = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "JSON Schema of each property searches may filter on, as "
            '{"eo:cloud_cover": {"type": "number", "minimum": 0, "maximum": 100}}; the explore '
            "page offers a filter for each."
        ),
    )
    # Derived ones are computed again whenever items are written; the others are kept.
    queryables_source = models.CharField(
        "queryables from",
        max_length=16,
        choices=QueryablesSource,
        default=QueryablesSource.ITEMS,
        help_text="Choose “Derived from the items” to have them computed again on saving.",
    )
    thumbnail = models.CharField(
        max_length=1000,
        blank=True,
        help_text="URL of a thumbnail image; left blank, the tiler renders one.",
    )

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["featured_order", "title", "stac_id"]

    def __str__(self) -> str:
        return self.title or self.stac_id

    @property
    def keywords(self) -> list[str]:
        return list(self.stac.get("keywords") or [])

    @property
    def title_specific_first(self) -> str:
        """The title with its specific part first: "Series: Block" as "Block — Series", for a
        place that shows only its beginning (a closed menu), where a series' collections would
        all look the same."""
        series, colon, specific = self.title.rpartition(": ")
        if not (colon and series.strip() and specific.strip()):
            return str(self)
        return f"{specific.strip()} — {series.strip()}"

    @property
    def is_restricted(self) -> bool:
        return self.visibility == self.Visibility.RESTRICTED


class Item(models.Model):
    """A STAC item. ``datetime`` is the sort key: the item's datetime, or its start."""

    # No index of its own: the unique (collection, stac_id) index leads with it.
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    stac_id = models.CharField("STAC id", max_length=255)
    datetime = models.DateTimeField()
    start_datetime = models.DateTimeField()
    end_datetime = models.DateTimeField()
    # False for the usual instant item (datetime = start = end), whose temporal search is a
    # range on the indexed datetime; True for items that span an interval.
    is_interval = models.BooleanField(default=False)
    # Bounding box in WGS84 longitude/latitude; null for items without geometry.
    bbox_xmin = models.FloatField(null=True)
    bbox_ymin = models.FloatField(null=True)
    bbox_xmax = models.FloatField(null=True)
    bbox_ymax = models.FloatField(null=True)
    # Whole as Python sees it; on PostgreSQL stored without the parts the columns hold.
    stac = models.JSONField("STAC document")
    # The footprint on PostgreSQL, written by the database from the document (null: none).
    geom = GeometryColumn(null=True, editable=False)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-datetime", "stac_id", "collection_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "stac_id"], name="item_id_per_collection"
            ),
            models.CheckConstraint(
                condition=Q(start_datetime__lte=F("end_datetime")), name="item_interval_in_order"
            ),
            models.CheckConstraint(
                condition=Q(bbox_xmin__isnull=True) | Q(bbox_xmin__lte=F("bbox_xmax")),
                name="item_bbox_x_in_order",
            ),
            models.CheckConstraint(
                condition=Q(bbox_ymin__isnull=True) | Q(bbox_ymin__lte=F("bbox_ymax")),
                name="item_bbox_y_in_order",
            ),
        ]
        indexes = [
            # The catalogue's order (datetime DESC, stac_id, collection), for searches across
            # collections and keyset paging. Only the leading key is indexed: ties on a
            # datetime are few, and PostgreSQL sorts each run of them as it walks (Incremental
            # Sort), so the tiebreakers (40-50 bytes per item in each index) bought nothing.
            models.Index(F("datetime").desc(), name="item_order"),
            models.Index("collection", F("datetime").desc(), name="item_collection_order"),
            # Interval items only: instants are searched by datetime (item_order).
            models.Index(
                "start_datetime",
                "end_datetime",
                name="item_interval",
                condition=Q(is_interval=True),
            ),
            # SQLite's bbox prefilter of spatial searches, "item_bbox", exists on SQLite only
            # (migrations/0014_lean_items.py): PostGIS searches by its GiST index.
        ]

    def __str__(self) -> str:
        return self.stac_id

    # The columns that hold parts of the stored document (catalog/item_documents.py).
    DOCUMENT_COLUMNS = (
        "stac",
        "stac_id",
        "geom",
        "bbox_xmin",
        "bbox_ymin",
        "bbox_xmax",
        "bbox_ymax",
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        """The item with its STAC document whole (a query that defers one of the
        DOCUMENT_COLUMNS gets the stored part)."""
        item = super().from_db(db, field_names, values)
        if all(name in item.__dict__ for name in cls.DOCUMENT_COLUMNS):
            item.stac = document_whole(
                item.stac,
                stac_id=item.stac_id,
                geom=item.geom,
                bbox=(item.bbox_xmin, item.bbox_ymin, item.bbox_xmax, item.bbox_ymax),
            )
        return item

    @property
    def geometry(self) -> dict | None:
        """The GeoJSON footprint in WGS84 (None for an item without geometry)."""
        return self.stac.get("geometry")

    @property
    def properties(self) -> dict:
        return self.stac.get("properties") or {}

    @property
    def assets(self) -> dict:
        return self.stac.get("assets") or {}


class AssetFile(models.Model):
    """A file that an item's asset names: below DATA_ROOT (an href ``/data/<path>``) or remote
    (an ``s3://`` or ``http(s)://`` href, see ``remote_assets.py``).

    Kept by ingest so that the data API can answer "which item owns this file, and may this
    user see it?" with one indexed lookup instead of searching every item's assets.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="files")
    asset_key = models.CharField(max_length=255)
    path = models.CharField(
        max_length=1000,
        db_index=True,
        help_text="POSIX path below DATA_ROOT, without /data/; or a remote file's href.",
    )
    media_type = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "asset_key"], name="asset_file_per_key"),
        ]

    def __str__(self) -> str:
        return self.path


class CollectionShare(models.Model):
    """A restricted collection shared with one user or one group, until ``expires`` if set.

    Besides the collection's ``groups`` (standing grants an administrator keeps), owners share
    a collection from its page; an expired share grants nothing (the access layer compares
    ``expires`` with the time of each request).
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="collection_shares",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="collection_shares"
    )
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: until revoked.")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True)
                | Q(user__isnull=True, group__isnull=False),
                name="share_with_a_user_or_a_group",
            ),
            models.UniqueConstraint(
                fields=["collection", "user"],
                condition=Q(user__isnull=False),
                name="share_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["collection", "group"],
                condition=Q(group__isnull=False),
                name="share_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection} → {self.user or self.group}"


class CollectionSource(models.Model):
    """Where an imported collection came from: a STAC API's URL or the folder (or URL folder)
    of static files, and the collection's id there (it differs after ``import_stac --as``).

    ``import_stac`` refuses to write a collection from a source not recorded here unless told
    to (``--update``), so an import never silently replaces someone else's collection.
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(max_length=2000)
    source_collection_id = models.CharField(max_length=255)
    first_imported = models.DateTimeField(auto_now_add=True)
    last_imported = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_imported", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "source", "source_collection_id"],
                name="collection_source_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection} ← {self.source} ({self.source_collection_id})"
