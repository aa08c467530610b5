"""On PostgreSQL: one index on cloud cover as a number replaces 0013's two on its jsonb value.

The index holds ``CASE WHEN jsonb_typeof(p) = 'number' THEN p::numeric END`` for
``p = stac #> '{properties,eo:cloud_cover}'``: the number, or NULL for anything else. Searches
sort by that expression (search/keyset.py) and compare numbers with it (search/json_types.py),
so it serves a sort by cloud cover with or without ``collections``, in both directions, and a
filter such as ``eo:cloud_cover < 0.05``. At a million items it takes 22.5 MB (23 B/item)
where each of 0013's took 82 MB (86 B/item): a numeric is smaller than a jsonb value, and the
tiebreakers are left out.

One index for both directions: walked backwards an ascending index has its nulls first, so a
search reads the numbers and the nulls in separate stretches, each in the index's order. The
tiebreakers (datetime DESC, id, collection) are sorted run by run as the index is walked
(Incremental Sort): the bench's runs of equal cloud cover hold about 100 items (two decimals
from 0 to 100). A second key datetime DESC would make the index 31.6 MB and serve one direction
only; page 1 and the page after 300,000 items both read under 100 index entries without it.

No statistics target or extended statistics (0013's): PostgreSQL keeps statistics of an index
expression, and numeric histograms are interpolated within a bucket, so with the default 100
buckets ``eo:cloud_cover < 0.05`` is estimated at 478 items (465 match) and ``< 2`` at 19,359
(19,802), which jsonb's needed 1,000 buckets and statistics on jsonb_typeof to approach.
"""

from django.db import migrations

PROPERTY = "(stac #> '{properties,eo:cloud_cover}')"
NUMBER = f"(CASE WHEN jsonb_typeof({PROPERTY}) = 'number' THEN {PROPERTY}::numeric END)"
INDEX = "item_cloud_cover_number"
# 0013's, put back when this migration is reversed.
JSONB_INDEXES = {
    "item_cloud_cover_order_asc": f"{PROPERTY} ASC NULLS LAST",
    "item_cloud_cover_order_desc": f"{PROPERTY} DESC NULLS LAST",
}
JSONB_STATISTICS_TARGET = 1000
TYPE_STATISTICS = "item_cloud_cover_type"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_item ({NUMBER})")
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {TYPE_STATISTICS}")
    for name in JSONB_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The plans need the expression's statistics; a large catalogue should not wait for
    # autovacuum.
    schema_editor.execute("ANALYZE catalog_item")


def drop(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for name, key in JSONB_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_item "
            f"({key}, datetime DESC, stac_id, collection_id)"
        )
        schema_editor.execute(
            f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS {JSONB_STATISTICS_TARGET}"
        )
    if connection.pg_version >= 140000:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {TYPE_STATISTICS} "
            f"ON (jsonb_typeof({PROPERTY})) FROM catalog_item"
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ANALYZE catalog_item")


class Migration(migrations.Migration):
    # Each statement commits on its own, as in 0013: an ANALYZE in the transaction that set a
    # statistics target still sampled for the default target (seen on PostgreSQL 15). Every
    # step can run again after an interruption.
    atomic = False
    dependencies = [("catalog", "0016_document_parts_in_columns")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
