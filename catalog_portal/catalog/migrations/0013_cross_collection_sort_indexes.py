"""On PostgreSQL: the cloud-cover indexes serve sorts across collections too, and the planner
knows how cloud cover is spread.

0005's indexes led with the collection, so `sortby=eo:cloud_cover` without `collections` (or
with several) read every item: 1.3 to 2.8 s at a million items. These lead with the property
and match the search layer's ORDER BY exactly (search/keyset.py: the property NULLS LAST, then
datetime DESC, id, collection), so a page of any search sorted by cloud cover is a walk along
one index. They replace 0005's: a search within a large collection walks them too, and a
small collection's items are read by collection and sorted (156 items: 2 ms at a million
items). At a million items each new index takes 82 MB (0005's took 91 MB each when built at
once, 119 MB each when grown by loading), so keeping both pairs would cost about 350 B per
item. What the swap gives up: a large collection whose cloud cover sorts far from the rest
(all of it missing, say) is found only after the other collections' index entries.

Each index keeps statistics of the property with a histogram of 1,000 buckets instead of 100:
jsonb values are not interpolated within a bucket, so with 100 a filter such as
`eo:cloud_cover < 0.05` was estimated at half a bucket (0.5 % of the items, ten times too
many) and walked the datetime index past 62,000 items (0.2 to 3 s) instead of reading its
465 items from the cloud-cover index and sorting them (3 to 20 ms). ANALYZE then samples
300,000 rows instead of 30,000 (about a minute on a busy 2-core machine at a million items).

Statistics on `jsonb_typeof(property)` (PostgreSQL 14+) keep that estimate when a comparison
also asks that the value is a number (CQL2 type semantics): without them, the planner guesses
that 0.5 % of the items pass such a test: `eo:cloud_cover < 2` was then estimated at 101
items, read its 19,802 from the index and sorted them (1.8 s) where walking the datetime index
takes under 50 ms.
"""

from django.db import migrations

PROPERTY = "(stac #> '{properties,eo:cloud_cover}')"
INDEXES = {
    "item_cloud_cover_order_asc": f"{PROPERTY} ASC NULLS LAST",
    "item_cloud_cover_order_desc": f"{PROPERTY} DESC NULLS LAST",
}
STATISTICS_TARGET = 1000
TYPE_STATISTICS = "item_cloud_cover_type"
# 0005's, put back when this migration is reversed.
PER_COLLECTION = {
    "item_cloud_cover_asc": f"{PROPERTY} ASC NULLS LAST",
    "item_cloud_cover_desc": f"{PROPERTY} DESC NULLS LAST",
}


def create(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for name in PER_COLLECTION:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, key in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_item "
            f"({key}, datetime DESC, stac_id, collection_id)"
        )
        schema_editor.execute(
            f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS {STATISTICS_TARGET}"
        )
    if connection.pg_version >= 140000:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {TYPE_STATISTICS} "
            f"ON (jsonb_typeof({PROPERTY})) FROM catalog_item"
        )
    # The plans above need the new statistics; a large catalogue should not wait for autovacuum.
    schema_editor.execute("ANALYZE catalog_item")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {TYPE_STATISTICS}")
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, key in PER_COLLECTION.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_item "
            f"(collection_id, {key}, datetime DESC, stac_id, collection_id)"
        )


class Migration(migrations.Migration):
    # Each statement commits on its own: an ANALYZE in the transaction that set the statistics
    # target still sampled for the default target of 100 (seen on PostgreSQL 15). Every step
    # can run again after an interruption.
    atomic = False
    dependencies = [("catalog", "0012_remote_asset_files")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
