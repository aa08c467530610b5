"""Leaner item rows: the footprint stored once, and no index without a use on its database.

- The ``geometry`` column goes: the STAC document (``stac``) keeps the footprint, which the
  API serves anyway. On PostgreSQL the PostGIS ``geom`` column is generated from the
  document's geometry instead (the table is rewritten once); on SQLite the exact spatial test
  reads the document (catalog/spatial.py).
- ``item_geom_gist`` goes: the (geom, datetime) GiST of 0007 serves every spatial search,
  with or without dates (at a million items a broad bbox-only search reads its 5,500 matches
  about a fifth slower through it; a search with dates reads far fewer rows through it).
- The index of the ``collection`` foreign key goes: the unique (collection, stac_id) index
  leads with the same column.
- ``item_bbox`` stays on SQLite only, where it serves the bbox prefilter; PostgreSQL never
  used it. It is no longer in ``Item.Meta.indexes``, so a later migration that makes SQLite
  rebuild the item table must create it again (tests/test_lean_items.py notices).

Migrating a million synthetic items took 172 s and took the table and its indexes from 2,024
to 1,485 bytes per item on PostgreSQL (bench/load.py --synthetic measures a fresh load).
Reversible: going back fills the ``geometry`` column from the documents.
"""

from django.db import migrations, models

# GeoJSON's null geometry (an item without footprint) has no PostGIS geometry; the CASE keeps
# the expression immutable, as a generated column needs.
GEOM_FROM_DOCUMENT = (
    "CASE WHEN jsonb_typeof(stac -> 'geometry') = 'object' "
    "THEN ST_SetSRID(ST_GeomFromGeoJSON(stac -> 'geometry'), 4326) END"
)
GEOM_FROM_COLUMN = "ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)"
SQLITE_BBOX_INDEX = (
    "CREATE INDEX IF NOT EXISTS item_bbox ON catalog_item "
    "(bbox_xmin, bbox_xmax, bbox_ymin, bbox_ymax)"
)


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def geom_drop(apps, schema_editor) -> None:
    """Drop ``geom`` with its GiST indexes (it depends on the column about to go)."""
    if _postgresql(schema_editor):
        schema_editor.execute("ALTER TABLE catalog_item DROP COLUMN IF EXISTS geom")


def geom_from_column(apps, schema_editor) -> None:
    """Back to 0013: ``geometry`` filled from the documents, ``geom`` generated from it."""
    if _postgresql(schema_editor):
        schema_editor.execute(
            "UPDATE catalog_item SET geometry = NULLIF(stac -> 'geometry', 'null'::jsonb)"
        )
        schema_editor.execute(
            "ALTER TABLE catalog_item ADD COLUMN geom geometry(Geometry, 4326) "
            f"GENERATED ALWAYS AS ({GEOM_FROM_COLUMN}) STORED"
        )
        schema_editor.execute("CREATE INDEX item_geom_gist ON catalog_item USING GIST (geom)")
        schema_editor.execute(
            "CREATE INDEX item_geom_datetime_gist ON catalog_item USING GIST (geom, datetime)"
        )
    else:
        schema_editor.execute("UPDATE catalog_item SET geometry = json_extract(stac, '$.geometry')")


def geom_from_document(apps, schema_editor) -> None:
    if _postgresql(schema_editor):
        schema_editor.execute(
            "ALTER TABLE catalog_item ADD COLUMN geom geometry(Geometry, 4326) "
            f"GENERATED ALWAYS AS ({GEOM_FROM_DOCUMENT}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX item_geom_datetime_gist ON catalog_item USING GIST (geom, datetime)"
        )


def bbox_index_drop_on_postgresql(apps, schema_editor) -> None:
    if _postgresql(schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS item_bbox")


def bbox_index_create_on_postgresql(apps, schema_editor) -> None:
    if _postgresql(schema_editor):
        schema_editor.execute(
            "CREATE INDEX item_bbox ON catalog_item (bbox_xmin, bbox_xmax, bbox_ymin, bbox_ymax)"
        )


def bbox_index_on_sqlite(apps, schema_editor) -> None:
    # Usually there already: SQLite rebuilt the table above while item_bbox was still in the
    # model's indexes. IF NOT EXISTS makes this true whatever came before.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BBOX_INDEX)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_cross_collection_sort_indexes")]

    operations = [
        migrations.RunPython(geom_drop, geom_from_column, elidable=False),
        migrations.RemoveField(model_name="item", name="geometry"),
        migrations.RunPython(geom_from_document, geom_drop, elidable=False),
        migrations.AlterField(
            model_name="item",
            name="collection",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="items",
                to="catalog.collection",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="item", name="item_bbox")],
            database_operations=[
                migrations.RunPython(
                    bbox_index_drop_on_postgresql,
                    bbox_index_create_on_postgresql,
                    elidable=False,
                )
            ],
        ),
        migrations.RunPython(bbox_index_on_sqlite, migrations.RunPython.noop, elidable=False),
    ]
