"""docker/compose.yaml, the scale-out deployment, read as Docker Compose would (its YAML and
its ``${NAME:-default}`` interpolation; Docker itself need not run here): an S3-compatible
store, replicas of the portal behind a proxy, one SECRET_KEY for all of them, and settings
the portal accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from catalog_portal.catalog.asset_sources import asset_sources_parse
from catalog_portal.demo.object_storage import demo_storage_target

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def interpolated(text: str, environment: dict[str, str]) -> str:
    """``text`` with Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}``
    replaced from ``environment`` (a missing required one fails the test, as Compose
    refuses to start)."""

    def value(match: re.Match) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if environment.get(name):
            return environment[name]
        if operator == ":?":
            pytest.fail(f"{name} is required: {rest}")
        return rest or ""

    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", value, text)


@pytest.fixture
def compose() -> dict:
    text = (DOCKER / "compose.yaml").read_text()
    return yaml.safe_load(interpolated(text, {"SECRET_KEY": "a-key-for-every-replica"}))


def test_compose_refuses_to_start_without_a_secret_key():
    with pytest.raises(pytest.fail.Exception, match="SECRET_KEY"):
        interpolated((DOCKER / "compose.yaml").read_text(), {})


def test_two_replicas_share_one_database_one_store_and_one_key_behind_a_proxy(compose):
    services = compose["services"]
    assert services["store"]["image"].startswith("minio/minio:")
    assert services["proxy"]["image"].startswith("nginx:")
    app = services["app"]
    assert app["deploy"]["replicas"] == 2
    assert "ports" not in app  # reached through the proxy only
    assert services["proxy"]["ports"] == ["8000:8000"]
    # Every replica and the one-off init get the same database, key and store.
    for name in ("app", "init"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].endswith("@db:5432/catalog_portal")
        assert environment["SECRET_KEY"] == "a-key-for-every-replica"
        assert "VAR_DIR" not in environment and "volumes" not in services[name]
    assert app["depends_on"]["init"]["condition"] == "service_completed_successfully"
    nginx = (DOCKER / "nginx.conf").read_text()
    assert "server app:8000;" in nginx and "proxy_pass http://portal;" in nginx


def test_the_portal_accepts_the_store_as_an_asset_source_and_the_demo_goes_inside_it(
    compose, settings
):
    environment = compose["services"]["app"]["environment"]
    sources = asset_sources_parse(
        "ASSET_SOURCES", environment["ASSET_SOURCES"], secret=lambda name: environment.get(name, "")
    )
    (store,) = sources
    assert (store.kind, store.endpoint, store.path_style) == ("s3", "http://store:9000", True)
    assert store.access_key_id == compose["services"]["store"]["environment"]["MINIO_ROOT_USER"]
    settings.ASSET_SOURCES = sources
    command = " ".join(compose["services"]["init"]["command"])
    storage = re.search(r"--storage (\S+?);?(?:\s|$)", command).group(1)
    assert demo_storage_target(storage).source == store
