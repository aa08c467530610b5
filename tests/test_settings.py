"""Settings come from the environment, and bad values stop the portal at start, naming the
variable."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def start_django(tmp_path, **env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter, as `manage.py` would."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    environment.update(
        VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="catalog_portal.settings"
    )
    environment.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def settings_run(monkeypatch, tmp_path, **env) -> dict:
    """Run the settings module in this interpreter, with the environment ``start_django`` would
    give it; returns its names. The checks run at import, so this is the start's check without
    the cost of a fresh interpreter (Django itself is not set up again)."""
    for key in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "catalog_portal" / "settings.py"))


def test_defaults_start_with_nothing_set(tmp_path):
    result = start_django(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_development_secret_key_is_generated_once_and_kept(settings, tmp_path):
    # Made when Django starts (lib/local_files.py), not when the settings are imported.
    from catalog_portal.lib.local_files import dev_secret_create

    key_file = tmp_path / "var" / "secret_key"
    settings.SECRET_KEY_DEV_FILE = str(key_file)
    settings.SECRET_KEY = ""
    dev_secret_create()
    first = key_file.read_text()
    assert settings.SECRET_KEY == first
    settings.SECRET_KEY = ""
    dev_secret_create()
    assert key_file.read_text() == first
    assert settings.SECRET_KEY == first
    assert len(first) >= 50


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"SECURE_HSTS_SECONDS": "soon"}, "SECURE_HSTS_SECONDS"),
        ({"SECURE_HSTS_SECONDS": "-5"}, "SECURE_HSTS_SECONDS"),
        ({"DATABASE_URL": "mysql://db/portal"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "s" * 50}, "ALLOWED_HOSTS"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"CSP_IMAGE_HOSTS": "'unsafe-inline'"}, "CSP_IMAGE_HOSTS"),
        ({"CORS_ALLOWED_ORIGINS": "app.example.org"}, "CORS_ALLOWED_ORIGINS"),
        ({"CORS_ALLOWED_ORIGINS": "https://app.example.org/"}, "CORS_ALLOWED_ORIGINS"),
        ({"CORS_ALLOWED_ORIGINS": "*,ftp://app.example.org"}, "CORS_ALLOWED_ORIGINS"),
        ({"CORS_ALLOWED_ORIGINS": "https://app.example.org:port"}, "CORS_ALLOWED_ORIGINS"),
        ({"DATABASE_URL": "postgres://db/portal", "DB_POOL": "maybe"}, "DB_POOL"),
        ({"DATABASE_URL": "postgres://db/portal", "DB_CONN_MAX_AGE": "60"}, "DB_POOL"),
        ({"DATABASE_URL": "postgres://db/portal", "DB_PARALLEL_WORKERS": "-1"}, "DB_PARALLEL"),
        ({"DB_STATEMENT_TIMEOUT": "soon"}, "DB_STATEMENT_TIMEOUT"),
        ({"DB_STATEMENT_TIMEOUT": "-1"}, "DB_STATEMENT_TIMEOUT"),
        ({"DB_STATEMENT_TIMEOUT": "nan"}, "DB_STATEMENT_TIMEOUT"),
        ({"DB_COMMAND_STATEMENT_TIMEOUT": "inf"}, "DB_COMMAND_STATEMENT_TIMEOUT"),
        ({"DB_POOL_TIMEOUT": "0"}, "DB_POOL_TIMEOUT"),
        ({"DOWNLOAD_MAX_ITEMS": "0"}, "DOWNLOAD_MAX_ITEMS"),
        ({"DOWNLOAD_CHUNK_ITEMS": "5000"}, "DOWNLOAD_CHUNK_ITEMS"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE"),
        ({"SECRET_KEY": "a", "SECRET_KEY_FILE": "/etc/hostname"}, "SECRET_KEY_FILE"),
        ({"ASSET_SOURCES": "ftp://files.example.org/cogs"}, "ASSET_SOURCES"),
        ({"ASSET_SOURCES": "s3://bucket/x?credentials=STORE"}, "STORE_ACCESS_KEY_ID"),
        (
            {
                "ASSET_SOURCES": "s3://bkt/x?credentials=STORE",
                "STORE_ACCESS_KEY_ID_FILE": "/no/such",
            },
            "STORE_ACCESS_KEY_ID_FILE",
        ),
    ],
)
def test_a_bad_value_fails_at_start_naming_the_variable(monkeypatch, tmp_path, env, named):
    with pytest.raises(ImproperlyConfigured) as failure:
        settings_run(monkeypatch, tmp_path, **env)
    assert named in str(failure.value)


def test_asset_sources_read_their_credentials_from_files(monkeypatch, tmp_path):
    (tmp_path / "key-id").write_text("AKEXAMPLE\n")
    (tmp_path / "secret").write_text("s3cr3t\n")
    names = settings_run(
        monkeypatch,
        tmp_path,
        ASSET_SOURCES="s3://eodc/s2?endpoint=https://store.example&credentials=STORE "
        "https://cogs.example/public",
        STORE_ACCESS_KEY_ID_FILE=str(tmp_path / "key-id"),
        STORE_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"),
    )
    store, public = names["ASSET_SOURCES"]
    assert (store.url, store.access_key_id, store.secret_access_key) == (
        "s3://eodc/s2/", "AKEXAMPLE", "s3cr3t",
    )  # fmt: skip
    assert public.url == "https://cogs.example:443/public/"
    monkeypatch.delenv("ASSET_SOURCES")
    assert settings_run(monkeypatch, tmp_path)["ASSET_SOURCES"] == ()


def test_cors_origins_are_compared_as_browsers_send_them(monkeypatch, tmp_path):
    names = settings_run(monkeypatch, tmp_path, CORS_ALLOWED_ORIGINS="*, HTTPS://App.example.org")
    assert names["CORS_ALLOWED_ORIGINS"] == ["*", "https://app.example.org"]
    none = settings_run(monkeypatch, tmp_path, CORS_ALLOWED_ORIGINS="")
    assert none["CORS_ALLOWED_ORIGINS"] == []


# Parallel workers cost more than they save on LIMITed queries; JIT compiles plans whose
# walks stop after a page (settings._database).
@pytest.mark.parametrize(
    ("name", "value"), [("max_parallel_workers_per_gather", "0"), ("jit", "off")]
)
def test_postgresql_sessions_run_with_the_portals_planner_settings(db, name, value):
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            assert cursor.fetchone()[0] == value
    else:  # the SQLite run checks what a PostgreSQL URL would configure
        from catalog_portal.settings import _database

        options = _database("postgres://postgres@127.0.0.1:5432/portal")["OPTIONS"]
        assert f"-c {name}={value}" in options["options"]


def test_postgresql_sessions_have_a_statement_limit_and_a_short_pool_wait_by_default():
    from catalog_portal.settings import _database

    options = _database("postgres://postgres@127.0.0.1:5432/portal")["OPTIONS"]
    assert "-c statement_timeout=5000" in options["options"]
    assert options["pool"]["timeout"] == 2
    assert options["connect_timeout"] == 2


def test_production_takes_its_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 60 + "\n")
    names = settings_run(
        monkeypatch,
        tmp_path,
        DEBUG="false",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="portal.example.org",
    )
    assert names["DEBUG"] is False
    assert names["SECRET_KEY"] == "s" * 60


def test_collectstatic_gathers_files_for_production(tmp_path):
    static_root = tmp_path / "static"
    environment = {
        **os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 50, "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "portal.example.org",
        "VAR_DIR": str(tmp_path / "var"),
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (static_root / "staticfiles.json").exists()
    assert list(static_root.glob("css/portal.*.css.gz"))


def serve_in_production(tmp_path, static_root: Path) -> subprocess.CompletedProcess:
    """``manage.py serve`` with DEBUG off and ``static_root``; it must stop by itself."""
    from tests.conftest import free_port

    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY_FILE"}},
        "DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example.org",
        "STATIC_ROOT": str(static_root), "VAR_DIR": str(tmp_path / "var"),
    }  # fmt: skip
    command = [sys.executable, "manage.py", "serve", "--port", str(free_port()), "--no-reload"]
    try:
        return subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        pytest.fail("serve started without collected static files (every page would be a 500)")


def test_serve_without_collected_static_files_stops_at_start_naming_collectstatic(tmp_path):
    result = serve_in_production(tmp_path, tmp_path / "empty-static")
    assert result.returncode != 0
    assert "collectstatic" in result.stderr
    assert str(tmp_path / "empty-static") in result.stderr


def test_serve_with_collected_static_files_answers_pages_in_production(tmp_path, transactional_db):
    from tests.portal_process import portal_process

    production = {
        "DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"), "VAR_DIR": str(tmp_path / "var"),
    }  # fmt: skip
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput"]
    done = subprocess.run(collect, cwd=ROOT, env={**os.environ, **production}, capture_output=True)
    assert done.returncode == 0, done.stderr
    with portal_process(env=production) as portal:
        status, body = portal.get("/")
        assert status == 200
        assert b"/static/css/portal." in body  # hashed names from the manifest
