"""``load_demo --storage s3://bucket/prefix``: the demo's COGs uploaded to an allow-listed S3
source (a real S3-protocol server on 127.0.0.1) and catalogued by ``s3://`` hrefs, with
nothing written to the local data folder."""

from __future__ import annotations

import copy
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog_portal.catalog.asset_sources import asset_source, s3_client
from catalog_portal.catalog.assets import data_path
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.demo import loader
from catalog_portal.demo.common import DemoCollection
from catalog_portal.demo.object_storage import demo_files_upload, demo_storage_target


def demo_sample(generated: list[DemoCollection], *, per_collection: int = 2) -> list:
    """A few items of every demo collection: uploading all ~900 files would only cost time."""
    return [
        DemoCollection(
            stac=collection.stac,
            curation=collection.curation,
            items=collection.items[:per_collection],
        )
        for collection in generated
    ]


def hrefs_of(collections) -> list[str]:
    return [
        asset["href"]
        for collection in collections
        for item in collection.items
        for asset in item["assets"].values()
    ]


@pytest.fixture
def demo_bucket(object_store, settings):
    """ASSET_SOURCES allowing ``s3://demo-bucket/demo`` on the test S3 server (with keys)."""
    source = object_store.source("demo-bucket", "demo")
    settings.ASSET_SOURCES = (source,)
    return source


@pytest.mark.parametrize(
    "storage",
    [
        "s3://elsewhere/demo",  # a bucket nobody listed
        "s3://demo-bucket/other",  # the listed bucket, outside the listed prefix
        "s3://demo-bucket",  # above the listed prefix
        "s3://demo-bucket/demo/../other",
        "/srv/data/demo",
        "https://demo-bucket.example/demo",
    ],
)
def test_storage_outside_every_s3_source_is_refused_before_anything_is_generated(
    db, demo_bucket, storage, monkeypatch
):
    generated = []
    monkeypatch.setattr(loader, "demo_catalog_generate", lambda **_: generated.append(1))
    with pytest.raises(CommandError, match="s3://"):
        call_command("load_demo", "--storage", storage, verbosity=0)
    assert generated == []
    assert not Collection.objects.exists()


def test_uploaded_files_are_catalogued_by_s3_hrefs_and_read_like_the_local_ones(
    db, demo_bucket, demo_files
):
    data_root, generated = demo_files
    sample = demo_sample(generated)
    before = copy.deepcopy(sample)

    uploaded = demo_files_upload(
        collections=sample,
        data_root=data_root,
        target=demo_storage_target("s3://demo-bucket/demo/run-1"),
    )

    assert sample == before  # the generated collections are left as they were
    local_hrefs, remote_hrefs = hrefs_of(sample), hrefs_of(uploaded)
    assert remote_hrefs == [
        "s3://demo-bucket/demo/run-1/" + data_path(href) for href in local_hrefs
    ]
    client = s3_client(demo_bucket)
    for local, remote in zip(local_hrefs, remote_hrefs, strict=True):
        assert asset_source(remote) == demo_bucket
        key = demo_bucket.s3_key(remote)
        head = client.head_object(Bucket="demo-bucket", Key=key)
        assert head["ContentLength"] == (data_root / data_path(local)).stat().st_size
        assert head["ContentType"].startswith("image/tiff; application=geotiff")
    # GDAL reads an uploaded file through /vsis3/ with the source's options: the same pixels.
    local, remote = local_hrefs[0], remote_hrefs[0]
    with (
        rasterio.Env(**demo_bucket.rasterio_env()),
        rasterio.open(demo_bucket.gdal_path(remote)) as read_remotely,
    ):
        pixels = read_remotely.read()
    with rasterio.open(data_root / data_path(local)) as read_locally:
        assert np.array_equal(pixels, read_locally.read())


def test_load_demo_with_storage_uploads_and_writes_nothing_locally(
    db, demo_bucket, demo_files, settings, tmp_path, monkeypatch
):
    # Generation is checked in test_load_demo.py; here the session's files stand in for a
    # second generation into the command's temporary folder (a sample: uploads cost time).
    data_root, generated = demo_files
    sample = demo_sample(generated, per_collection=1)
    folders = []

    def generate_again(*, data_root: Path, progress) -> list:
        folders.append(data_root)
        for href in hrefs_of(sample):
            target = data_root / data_path(href)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(demo_files[0] / data_path(href), target)
        return copy.deepcopy(sample)

    monkeypatch.setattr(loader, "demo_catalog_generate", generate_again)
    settings.DATA_ROOT = tmp_path / "no-data-folder"
    out = io.StringIO()

    call_command("load_demo", "--storage", "s3://demo-bucket/demo/", stdout=out, verbosity=0)

    assert not settings.DATA_ROOT.exists()
    assert not folders[0].exists()  # the temporary folder is gone too
    assert "for s3://demo-bucket/demo/" in out.getvalue()
    assert Collection.objects.count() == 6
    stored = [
        asset["href"]
        for stac in Item.objects.values_list("stac", flat=True)
        for asset in stac["assets"].values()
    ]
    assert stored and all(href.startswith("s3://demo-bucket/demo/") for href in stored)
    keys = {
        found["Key"]
        for found in s3_client(demo_bucket).list_objects_v2(
            Bucket="demo-bucket", Prefix="demo/demo/"
        )["Contents"]
    }
    assert {demo_bucket.s3_key(href) for href in stored} <= keys
