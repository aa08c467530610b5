"""Curation in Django's admin: featured collections, categories, order and visibility; where
each imported collection came from."""

from django.contrib import admin

from catalog_portal.catalog.ingest import collection_stats_refresh
from catalog_portal.catalog.models import Collection, CollectionSource, Item


class CollectionSourceInline(admin.TabularInline):
    """The sources a collection was imported from, read-only: ``import_stac`` records them and
    decides by them whether a later import may write the collection (catalog/import_policy.py);
    deleting the collection deletes them."""

    model = CollectionSource
    fields = readonly_fields = ["source", "source_collection_id", "first_imported", "last_imported"]
    extra = 0
    can_delete = False
    verbose_name = "import source"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = [
        "stac_id", "title", "category", "featured", "featured_order", "visibility", "item_count",
    ]  # fmt: skip
    list_editable = ["category", "featured", "featured_order", "visibility"]
    list_filter = ["category", "featured", "visibility"]
    search_fields = ["stac_id", "title", "description"]
    filter_horizontal = ["groups"]
    readonly_fields = ["item_count", "created", "updated"]
    inlines = [CollectionSourceInline]
    fieldsets = [
        (None, {"fields": ["stac_id", "title", "description"]}),
        ("Curation", {"fields": ["category", "featured", "featured_order", "thumbnail"]}),
        ("Access", {"fields": ["visibility", "groups"]}),
        ("STAC", {"classes": ["collapse"], "fields": ["stac", "item_count", "created", "updated"]}),
    ]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["stac_id", "collection", "datetime"]
    list_filter = ["collection"]
    list_select_related = ["collection"]
    search_fields = ["stac_id"]
    date_hierarchy = "datetime"
    # Item documents come from STAC; editing the columns by hand would desynchronise them.
    readonly_fields = [
        "collection", "stac_id", "datetime", "start_datetime", "end_datetime", "is_interval",
        "bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax", "geometry", "created", "updated",
    ]  # fmt: skip
    show_full_result_count = False  # a full count is slow at a million items

    def delete_model(self, request, obj: Item) -> None:
        super().delete_model(request, obj)
        collection_stats_refresh(collection=obj.collection)

    def delete_queryset(self, request, queryset) -> None:
        collections = list(Collection.objects.filter(items__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for collection in collections:
            collection_stats_refresh(collection=collection)
