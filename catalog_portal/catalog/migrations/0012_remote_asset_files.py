"""Remote asset files: items' s3:// and http(s):// files are recorded too, so that the data API
can serve a restricted collection's files in object storage (``remote_assets.py``).

Items stored before this migration get their rows here, from their documents.
"""

from django.db import migrations, models

from catalog_portal.catalog.remote_assets import remote_asset_files


def backfill(apps, schema_editor) -> None:
    Item = apps.get_model("catalog", "Item")
    AssetFile = apps.get_model("catalog", "AssetFile")
    # Only documents that mention a URL can name remote files (synthetic items have none).
    items = Item.objects.filter(stac__icontains="://").only("pk", "stac")
    rows = []
    for item in items.iterator(chunk_size=1000):
        for key, href, media_type in remote_asset_files(item.stac):
            rows.append(AssetFile(item_id=item.pk, asset_key=key, path=href, media_type=media_type))
        if len(rows) >= 1000:
            AssetFile.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    AssetFile.objects.bulk_create(rows, ignore_conflicts=True)


def forget(apps, schema_editor) -> None:
    AssetFile = apps.get_model("catalog", "AssetFile")
    AssetFile.objects.filter(path__contains="://").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_collection_queryables_source"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assetfile",
            name="path",
            field=models.CharField(
                db_index=True,
                help_text="POSIX path below DATA_ROOT, without /data/; or a remote file's href.",
                max_length=1000,
            ),
        ),
        migrations.RunPython(backfill, forget),
    ]
