"""Hostile requests to the tile server: each is refused (400, a message naming the parameter and
its limit) before it costs memory, and no answer ever shows an exception's text.

The requests that would exhaust memory run against a portal in a child process under an
address-space limit, so that a regression fails the test instead of taking pytest down.
"""

from __future__ import annotations

import logging

import pytest
import requests
from rasterio.errors import RasterioIOError

from tests.test_tiles import S2, centre_tile, first_item, fresh_lookups, item_url, tile_path  # noqa: F401

SECRET = "/srv/secret/path.tif password=hunter2"


@pytest.fixture
def tiles(portal_server, demo) -> str:
    return f"{portal_server}/tiles"


# --- errors: one shape, no exception text -------------------------------------------------


def test_an_unexpected_failure_is_a_500_without_its_text_and_is_logged_once(
    tiles, demo, monkeypatch, caplog
):
    def failing(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("catalog_portal.tiles.items.catalog_item_find", failing)
    stac = first_item(demo, S2)
    with caplog.at_level(logging.WARNING):
        response = requests.get(f"{item_url(tiles, stac)}/info")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json()["code"] == "InternalServerError"
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1
    assert "/info" in logged[0].getMessage()


def test_a_failing_read_is_a_500_without_the_file_path(tiles, demo, monkeypatch):
    def failing(self, *args, **kwargs):
        raise RasterioIOError(SECRET)

    monkeypatch.setattr("catalog_portal.tiles.reader.AssetReader.tile", failing)
    stac = first_item(demo, S2)
    response = requests.get(f"{item_url(tiles, stac)}{tile_path(centre_tile(stac, 12))}")
    assert response.status_code == 500
    assert "hunter2" not in response.text and "secret" not in response.text
    assert response.json()["code"] == "InternalServerError"


def test_a_failing_data_lookup_is_a_500_without_its_text(portal_server, monkeypatch, caplog):
    def failing(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("catalog_portal.data.app.data_file_lookup", failing)
    with caplog.at_level(logging.WARNING):
        response = requests.get(f"{portal_server}/data/some/file.tif")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json() == {
        "code": "InternalServerError",
        "description": response.json()["description"],
    }
    assert len([record for record in caplog.records if record.exc_info]) == 1
    assert requests.get(f"{portal_server}/healthz").status_code == 200
