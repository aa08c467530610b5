"""PostgreSQL stores each item's footprint once, in ``geom``, and the document without the
parts its columns hold (catalog/item_documents.py says what and why).

``geom`` stops being generated from the document: a trigger fills it as a row is written and
takes the footprint, a bbox equal to the bbox columns and the id out of the stored document,
so that every writer (ingest, COPY in bulk loads, an UPDATE by hand) stores the same way.
``Item.from_db`` puts the parts back. SQLite gets an empty ``geom`` column (its documents stay
whole).

Existing rows are split in the migration's one transaction (it rewrites the table; at a
million items the space of the old rows is given back only by ``VACUUM FULL catalog_item``).
Going back puts the parts into the documents again; the footprint then comes from PostGIS's
GeoJSON, which keeps 15 decimals.
"""

from django.db import migrations

import catalog_portal.catalog.item_documents

SPLIT_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_item_document_split() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A document written without its footprint (a row restored, an UPDATE of other columns)
    -- keeps the row's.
    IF NEW.stac ? 'geometry' THEN
        NEW.geom := CASE WHEN jsonb_typeof(NEW.stac -> 'geometry') = 'object'
            THEN ST_SetSRID(ST_GeomFromGeoJSON(NEW.stac -> 'geometry'), 4326) END;
        NEW.stac := NEW.stac - 'geometry';
    END IF;
    -- jsonb compares numbers by value: 16, 16.0 and the float 16 are one bbox.
    IF NEW.bbox_xmin IS NOT NULL AND NEW.stac -> 'bbox' = jsonb_build_array(
            NEW.bbox_xmin, NEW.bbox_ymin, NEW.bbox_xmax, NEW.bbox_ymax) THEN
        NEW.stac := NEW.stac - 'bbox';
    END IF;
    IF NEW.stac ->> 'id' = NEW.stac_id THEN
        NEW.stac := NEW.stac - 'id';
    END IF;
    RETURN NEW;
END
$$
"""
SPLIT_TRIGGER = (
    "CREATE TRIGGER catalog_item_document_split BEFORE INSERT OR UPDATE ON catalog_item "
    "FOR EACH ROW EXECUTE FUNCTION catalog_item_document_split()"
)
# 0014's generated column, for going back.
GEOM_FROM_DOCUMENT = (
    "CASE WHEN jsonb_typeof(stac -> 'geometry') = 'object' "
    "THEN ST_SetSRID(ST_GeomFromGeoJSON(stac -> 'geometry'), 4326) END"
)
GIST = "CREATE INDEX item_geom_datetime_gist ON catalog_item USING GIST (geom, datetime)"


def split(apps, schema_editor) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor != "postgresql":
        execute("ALTER TABLE catalog_item ADD COLUMN geom text NULL")
        return
    execute("ALTER TABLE catalog_item DROP COLUMN geom")  # and its GiST index
    execute("ALTER TABLE catalog_item ADD COLUMN geom geometry(Geometry, 4326)")
    execute(SPLIT_FUNCTION)
    execute(SPLIT_TRIGGER)
    execute("UPDATE catalog_item SET stac = stac")  # the trigger splits each row
    execute(GIST)
    execute("ANALYZE catalog_item")  # the new column's statistics, for spatial plans


def join(apps, schema_editor) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor != "postgresql":
        execute("ALTER TABLE catalog_item DROP COLUMN geom")
        return
    execute("DROP TRIGGER catalog_item_document_split ON catalog_item")
    execute("DROP FUNCTION catalog_item_document_split()")
    execute(
        "UPDATE catalog_item SET stac = jsonb_build_object('id', stac_id, 'geometry', "
        "COALESCE(ST_AsGeoJSON(geom, 15)::jsonb, 'null'::jsonb)) "
        "|| CASE WHEN bbox_xmin IS NULL OR stac ? 'bbox' THEN '{}'::jsonb ELSE "
        "jsonb_build_object('bbox', jsonb_build_array(bbox_xmin, bbox_ymin, bbox_xmax, "
        "bbox_ymax)) END || stac"
    )
    execute("ALTER TABLE catalog_item DROP COLUMN geom")
    execute(
        "ALTER TABLE catalog_item ADD COLUMN geom geometry(Geometry, 4326) "
        f"GENERATED ALWAYS AS ({GEOM_FROM_DOCUMENT}) STORED"
    )
    execute(GIST)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_narrow_datetime_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="item",
                    name="geom",
                    field=catalog_portal.catalog.item_documents.GeometryColumn(
                        editable=False, null=True
                    ),
                )
            ],
            database_operations=[migrations.RunPython(split, join, elidable=False)],
        )
    ]
