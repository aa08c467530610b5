"""On PostgreSQL: indexes that serve sorting a collection's items by eo:cloud_cover.

Sorting by a property otherwise reads every item of the collection (1.1 s at a million
items). Cloud cover is the property people sort optical scenes by, so it gets an index per
direction whose columns match the search layer's ORDER BY exactly (see search/keyset.py:
the property with NULLS LAST, then datetime DESC, id). Other properties sort correctly, at
the cost of a scan.
"""

from django.db import migrations

PROPERTY = "(stac #> '{properties,eo:cloud_cover}')"
INDEXES = {
    "item_cloud_cover_asc": f"{PROPERTY} ASC NULLS LAST",
    "item_cloud_cover_desc": f"{PROPERTY} DESC NULLS LAST",
}


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON catalog_item "
            f"(collection_id, {key}, datetime DESC, stac_id, collection_id)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_collection_queryables")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
