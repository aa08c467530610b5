"""Asset sources: which href belongs to which allow-listed source (hostile hrefs belong to
none), the GDAL path and options each source reads with, and the ASSET_SOURCES setting."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from django.core.exceptions import ImproperlyConfigured

from catalog_portal.catalog.asset_sources import (
    asset_source,
    asset_sources_parse,
    local_source,
    s3_client,
)


@pytest.fixture(scope="module")
def cog(tmp_path_factory):
    """A small real COG (UTM, uint16, with an overview)."""
    from rasterio.crs import CRS
    from rasterio.transform import from_origin

    from catalog_portal.demo.cogs import cog_write

    path = tmp_path_factory.mktemp("cog") / "cog.tif"
    data = (np.arange(600 * 600, dtype=np.uint32).reshape(600, 600) % 4000).astype("uint16")
    cog_write(
        path, data, crs=CRS.from_epsg(32633), transform=from_origin(500000, 5200000, 10, 10),
        nodata=0,
    )  # fmt: skip
    return path


SECRETS = {"EODC_ACCESS_KEY_ID": "AKEXAMPLE", "EODC_SECRET_ACCESS_KEY": "s3cr3t"}


def parse(raw: str, secrets: dict[str, str] | None = None):
    secrets = SECRETS if secrets is None else secrets
    return asset_sources_parse("ASSET_SOURCES", raw, secret=lambda name: secrets.get(name, ""))


SOURCES = parse(
    "s3://eodc/sentinel-2?endpoint=https://objectstore.eodc.eu&path_style=true"
    "&credentials=EODC&region=eu-central-1 "
    "https://allowed.example/cogs,"
    "http://127.0.0.1:8123/files"
)
S3, HTTPS, HTTP = SOURCES


@pytest.mark.parametrize(
    ("href", "source"),
    [
        ("s3://eodc/sentinel-2/T33/B04.tif", S3),
        ("https://allowed.example/cogs/scene/B04.tif", HTTPS),
        ("https://ALLOWED.example:443/cogs/B04.tif", HTTPS),
        ("https://allowed.example/cogs/B04.tif?st=2024&sig=abc", HTTPS),  # a SAS token
        ("http://127.0.0.1:8123/files/a.tif", HTTP),
    ],
)
def test_hrefs_below_a_source_belong_to_it(href, source):
    assert asset_source(href, sources=SOURCES) is source


@pytest.mark.parametrize(
    "href",
    [
        # other buckets, hosts, ports, schemes
        "s3://eodc-private/sentinel-2/B04.tif",
        "s3://other/sentinel-2/B04.tif",
        "https://allowed.example.evil.org/cogs/B04.tif",
        "https://evil.org/allowed.example/cogs/B04.tif",
        "https://allowed.example./cogs/B04.tif",
        "https://allowed.example:8443/cogs/B04.tif",
        "https://allowed.example:/cogs/B04.tif",
        "http://allowed.example/cogs/B04.tif",  # https was listed, not http
        "http://127.0.0.1:8124/files/a.tif",
        "http://127.0.0.2:8123/files/a.tif",
        "http://localhost:8123/files/a.tif",
        "ftp://allowed.example/cogs/B04.tif",
        "gs://eodc/sentinel-2/B04.tif",
        # path-segment boundary
        "s3://eodc/sentinel-2-private/B04.tif",
        "s3://eodc/sentinel-2",
        "s3://eodc/sentinel-2/",
        "https://allowed.example/cogsecret/B04.tif",
        "https://allowed.example/cogs",
        "https://allowed.example/",
        # climbing out of the prefix
        "s3://eodc/sentinel-2/../private/B04.tif",
        "s3://eodc/sentinel-2/./B04.tif",
        "s3://eodc/sentinel-2//B04.tif",
        "https://allowed.example/cogs/../admin/B04.tif",
        "https://allowed.example/cogs/%2e%2e/admin/B04.tif",
        "https://allowed.example/cogs/%2E%2E%2Fadmin/B04.tif",
        "https://allowed.example/cogs/a%2fb.tif",
        "https://allowed.example/cogs/a%5c..%5cb.tif",
        # userinfo and authority tricks
        "https://allowed.example@evil.org/cogs/B04.tif",
        "https://allowed.example:443@evil.org/cogs/B04.tif",
        "https://user:pass@allowed.example/cogs/B04.tif",
        "https://evil.org\\@allowed.example/cogs/B04.tif",
        "https://allowed.example\\.evil.org/cogs/B04.tif",
        "s3://user@eodc/sentinel-2/B04.tif",
        "https://allowed.example:99999/cogs/B04.tif",
        # whitespace, controls, fragments, queries on s3
        "https://allowed.example/cogs/B04.tif\r\nHost: evil.org",
        " https://allowed.example/cogs/B04.tif",
        "https://allowed.example/cogs/B04.tif#frag",
        "s3://eodc/sentinel-2/B04.tif?versionId=1",
        # GDAL's own syntaxes and other places
        "/vsicurl/https://allowed.example/cogs/B04.tif",
        "/vsis3/eodc/sentinel-2/B04.tif",
        "vrt:///vsicurl/https://allowed.example/cogs/B04.tif",
        "file:///etc/passwd",
        "/etc/passwd",
        "/data/../../etc/passwd",
        "https://allowed.example/cogs/" + "a" * 3000 + ".tif",
        "",
        None,
        42,
    ],
)
def test_hostile_hrefs_belong_to_no_source(href, settings, tmp_path):
    settings.DATA_ROOT = tmp_path
    assert asset_source(href, sources=(local_source(), *SOURCES)) is None


def test_gdal_reads_s3_through_vsis3_with_the_sources_endpoint_and_keys():
    assert S3.gdal_path("s3://eodc/sentinel-2/T33/B04.tif") == "/vsis3/eodc/sentinel-2/T33/B04.tif"
    options = S3.gdal_options()
    assert options["AWS_S3_ENDPOINT"] == "objectstore.eodc.eu"
    assert options["AWS_HTTPS"] == "YES"
    assert options["AWS_VIRTUAL_HOSTING"] == "FALSE"
    assert options["AWS_REGION"] == "eu-central-1"
    assert options["AWS_ACCESS_KEY_ID"] == "AKEXAMPLE"
    assert options["AWS_SECRET_ACCESS_KEY"] == "s3cr3t"
    assert options["AWS_NO_SIGN_REQUEST"] == "NO"
    assert options["GDAL_DISABLE_READDIR_ON_OPEN"] == "EMPTY_DIR"
    assert options["GDAL_HTTP_MERGE_CONSECUTIVE_RANGES"] == "YES"
    assert options["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] == ".tif,.tiff"
    assert options["VSI_CACHE"] == "TRUE"
    assert int(options["GDAL_HTTP_TIMEOUT"]) > 0
    assert "s3cr3t" not in repr(S3)


def test_a_public_bucket_is_read_with_unsigned_requests():
    (public,) = parse("s3://sentinel-cogs/sentinel-s2-l2a-cogs?region=us-west-2")
    options = public.gdal_options()
    assert options["AWS_NO_SIGN_REQUEST"] == "YES"
    assert "AWS_ACCESS_KEY_ID" not in options
    assert options["AWS_S3_ENDPOINT"] == "s3.amazonaws.com"
    assert options["AWS_VIRTUAL_HOSTING"] == "TRUE"


def test_gdal_reads_https_through_vsicurl_with_the_url_as_listed():
    href = "https://allowed.example/cogs/B04.tif?sig=abc"
    assert HTTPS.gdal_path(href) == f"/vsicurl/{href}"
    assert "AWS_ACCESS_KEY_ID" not in HTTPS.gdal_options()
    assert HTTPS.gdal_path("s3://eodc/sentinel-2/B04.tif") is None


def test_the_local_data_folder_is_always_a_source(settings, tmp_path):
    settings.DATA_ROOT = tmp_path
    settings.ASSET_SOURCES = ()
    source = asset_source("/data/orthophotos/a.tif")
    assert source is not None and source.kind == "local"
    assert source.gdal_path("/data/orthophotos/a.tif") == str(tmp_path / "orthophotos" / "a.tif")
    assert source.gdal_options() == {}


def test_sources_of_the_setting_are_used_by_default(settings):
    settings.ASSET_SOURCES = SOURCES
    assert asset_source("s3://eodc/sentinel-2/B04.tif") is S3
    settings.ASSET_SOURCES = ()
    assert asset_source("s3://eodc/sentinel-2/B04.tif") is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("s3://Bad_Bucket/x", "bucket"),
        ("s3://eodc:9000/x", "bucket"),
        ("s3://eodc/x?endpoint=ftp://store", "endpoint"),
        ("s3://eodc/x?endpoint=https://store/path", "endpoint"),
        ("s3://eodc/x?path_style=maybe", "path_style"),
        ("s3://eodc/x?credentials=lower", "credentials"),
        ("s3://eodc/x?credentials=MISSING", "MISSING_ACCESS_KEY_ID"),
        ("s3://eodc/x?region=EU Central", "region"),
        ("s3://eodc/x?colour=blue", "unknown options"),
        ("s3://eodc/x?timeout=0", "timeout"),
        ("s3://eodc/x?timeout=nan", "timeout"),
        ("s3://eodc/x?retries=100", "retries"),
        ("s3://eodc/x?region=a&region=b", "twice"),
        ("https://allowed.example/cogs?endpoint=https://x", "unknown options"),
        ("https://user:pw@allowed.example/cogs", "credentials"),
        ("https:///cogs", "host"),
        ("https://allowed.example/../cogs", "unsafe"),
        ("ftp://allowed.example/cogs", "neither"),
        ("/data/elsewhere", "neither"),
        ("s3://eodc/a s3://eodc/a/b", "inside"),
        ("https://h.example/a https://h.example/a/", "twice"),
    ],
)
def test_bad_entries_stop_the_portal_naming_the_setting(raw, message):
    with pytest.raises(ImproperlyConfigured, match="ASSET_SOURCES") as error:
        parse(raw)
    assert message in str(error.value)


def test_credentials_are_read_by_the_secret_reader_named_in_the_entry():
    asked = []

    def secret(name):
        asked.append(name)
        return {"EODC_ACCESS_KEY_ID": "id", "EODC_SECRET_ACCESS_KEY": "key"}.get(name, "")

    (source,) = asset_sources_parse("ASSET_SOURCES", "s3://eodc/x?credentials=EODC", secret=secret)
    assert asked == ["EODC_ACCESS_KEY_ID", "EODC_SECRET_ACCESS_KEY", "EODC_SESSION_TOKEN"]
    assert (source.access_key_id, source.secret_access_key) == ("id", "key")


# --- against real servers -------------------------------------------------------------------


def test_gdal_and_boto3_read_an_object_of_a_real_s3_server(object_store, cog):
    object_store.bucket_create("sources-test")
    href = object_store.upload("sources-test", "scenes/cog.tif", cog)
    source = object_store.source("sources-test", "scenes")
    assert asset_source(href, sources=(source,)) is source
    body = s3_client(source).get_object(Bucket="sources-test", Key="scenes/cog.tif")["Body"]
    assert body.read() == cog.read_bytes()
    with rasterio.Env(**source.rasterio_env()), rasterio.open(source.gdal_path(href)) as remote:
        remote_pixels = remote.read()
    with rasterio.open(cog) as local:
        assert np.array_equal(remote_pixels, local.read())


def test_gdal_reads_ranges_of_a_real_http_server(http_files, cog):
    (http_files.root / "cog.tif").write_bytes(cog.read_bytes())
    source = http_files.source()
    href = f"{http_files.url}/cog.tif"
    with rasterio.Env(**source.rasterio_env()), rasterio.open(source.gdal_path(href)) as remote:
        remote_pixels = remote.read()
    with rasterio.open(cog) as local:
        assert np.array_equal(remote_pixels, local.read())
    assert http_files.requests["/cog.tif"] >= 1
