"""Curation in Django's admin: featured collections, categories, order, visibility, the
filters (queryables) a collection offers, and where each imported collection came from."""

from django import forms
from django.contrib import admin

from catalog_portal.catalog.ingest import collection_stats_refresh
from catalog_portal.catalog.models import Collection, CollectionSource, Item
from catalog_portal.catalog.queryables import InvalidQueryables, queryables_check


class CollectionForm(forms.ModelForm):
    """The collection's fields, with its queryables checked like a source API's are."""

    class Meta:
        model = Collection
        fields = ["queryables_source", "queryables"]  # the admin adds its fieldsets' others

    def clean_queryables(self):
        try:
            return queryables_check(self.cleaned_data["queryables"])
        except InvalidQueryables as error:
            raise forms.ValidationError(f"Not usable as queryables: {error}.") from None

    def clean(self):
        cleaned = super().clean()
        edited = "queryables" in self.changed_data and "queryables_source" not in self.changed_data
        if edited and cleaned.get("queryables_source") == Collection.QueryablesSource.ITEMS:
            # Queryables edited by hand are kept: deriving them again would undo the edit.
            cleaned["queryables_source"] = Collection.QueryablesSource.ADMIN
        return cleaned


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
    form = CollectionForm
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
        ("Filters", {"fields": ["queryables_source", "queryables"]}),
        ("STAC", {"classes": ["collapse"], "fields": ["stac", "item_count", "created", "updated"]}),
    ]

    def save_model(self, request, obj: Collection, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if (
            "queryables_source" in form.changed_data
            and obj.queryables_source == obj.QueryablesSource.ITEMS
        ):
            collection_stats_refresh(collection=obj)


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
        "bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax", "created", "updated",
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
