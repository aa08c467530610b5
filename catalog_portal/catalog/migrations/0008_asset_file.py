"""Asset files: which item owns each file below DATA_ROOT, for the data API's access check.

Items stored before this migration get their rows here, from their documents.
"""

import django.db.models.deletion
from django.db import migrations, models

from catalog_portal.catalog.assets import local_asset_files


def backfill(apps, schema_editor) -> None:
    Item = apps.get_model("catalog", "Item")
    AssetFile = apps.get_model("catalog", "AssetFile")
    # Only documents that mention /data/ can own local files (synthetic items have none).
    items = Item.objects.filter(stac__icontains='"/data/').only("pk", "stac")
    rows = []
    for item in items.iterator(chunk_size=1000):
        for key, path, media_type in local_asset_files(item.stac):
            rows.append(AssetFile(item_id=item.pk, asset_key=key, path=path, media_type=media_type))
    AssetFile.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_geom_datetime_gist"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssetFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("asset_key", models.CharField(max_length=255)),
                (
                    "path",
                    models.CharField(
                        db_index=True,
                        help_text="POSIX path below DATA_ROOT, without /data/.",
                        max_length=1000,
                    ),
                ),
                ("media_type", models.CharField(blank=True, max_length=255)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="catalog.item",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("item", "asset_key"), name="asset_file_per_key")
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
