"""On PostgreSQL: enable PostGIS and give items a generated geometry column with a GiST index.

``geom`` is computed by the database from the GeoJSON ``geometry`` column, so Django never
writes it and it can never disagree with the document. SQLite is left alone: there the
spatial search is a bbox prefilter plus an exact shapely test (catalog/spatial.py).
"""

from django.db import migrations
from django.db.utils import DatabaseError

POSTGIS_MISSING = (
    "Catalog Portal needs the PostGIS extension on PostgreSQL, and the database {name!r} "
    "could not enable it ({error}). Install PostGIS on the database server (on Debian: "
    "apt-get install postgresql-15-postgis-3), then either migrate as a role allowed to run "
    "CREATE EXTENSION or have an administrator run: CREATE EXTENSION postgis;"
)


class PostGISMissing(RuntimeError):
    pass


def enable_postgis(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        if cursor.fetchone():
            return
        try:
            # A savepoint keeps the migration's transaction usable when this fails.
            cursor.execute("SAVEPOINT enable_postgis")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            cursor.execute("RELEASE SAVEPOINT enable_postgis")
        except DatabaseError as error:
            cursor.execute("ROLLBACK TO SAVEPOINT enable_postgis")
            message = str(error).strip().splitlines()[0]
            raise PostGISMissing(
                POSTGIS_MISSING.format(name=connection.settings_dict["NAME"], error=message)
            ) from None


def add_geometry_column(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE catalog_item ADD COLUMN geom geometry(Geometry, 4326) "
        "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)) STORED"
    )
    schema_editor.execute("CREATE INDEX item_geom_gist ON catalog_item USING GIST (geom)")


def drop_geometry_column(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE catalog_item DROP COLUMN IF EXISTS geom")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(enable_postgis, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(add_geometry_column, drop_geometry_column, elidable=False),
    ]
