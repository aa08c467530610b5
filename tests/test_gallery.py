"""The gallery: example programs that run against a live portal and do what their cards say,
with previews drawn by the tile server from the same searches."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import rasterio
import requests
from rasterio.errors import NotGeoreferencedWarning

from catalog_portal.web.gallery import EXAMPLES

EXAMPLE_NAMES = [example.name for example in EXAMPLES]


def png_read(content: bytes) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.MemoryFile(content) as memory, memory.open() as dataset:
            return dataset.read()


def test_the_gallery_shows_each_example_with_its_code_for_this_portal(
    client, demo, django_assert_max_num_queries
):
    # Registering an example's search checks it (collections, one search) and stores it: a
    # fixed number of queries per example, whatever the size of the catalogue.
    with django_assert_max_num_queries(6 * len(EXAMPLES) + 2):
        page = client.get("/gallery/").content.decode()
    assert 'href="/gallery/" aria-current="page"' in page
    for example in EXAMPLES:
        assert str(example.title) in page
        code = example.code(api_url="http://testserver/api/v1")
        assert 'API_URL = "http://testserver/api/v1"' in code
        assert html.escape(code) in page, "shown as the file is, with this portal's address"
    assert page.count('<img class="gallery-preview"') == len(EXAMPLES)


def test_the_gallery_without_the_demo_collections_shows_no_previews(client, db):
    page = client.get("/gallery/").content.decode()
    assert page.count("gallery-preview card-thumb-empty") == len(EXAMPLES)


def test_the_previews_are_drawn_by_the_tile_server(portal_server, demo):
    page = requests.get(f"{portal_server}/gallery/").text
    previews = [
        html.unescape(src) for src in re.findall(r'class="gallery-preview" src="([^"]+)"', page)
    ]
    assert len(previews) == len(EXAMPLES)
    for src in previews:
        response = requests.get(f"{portal_server}{src}")
        assert response.status_code == 200, src
        assert response.headers["Content-Type"] == "image/png"
        rgba = png_read(response.content)
        assert rgba.shape[2] == 512 and (rgba[3] > 0).any(), src


# What each program must print, given the demo catalogue: (pattern, expected value from demo).
def expected_output(name: str, demo) -> list[str]:
    items = {c.stac["id"]: c.items for c in demo}
    if name == "flood_maximum_extent":
        return [f"{len(items['GFM'])} GFM observations", "6 days; maximum flood extent"]
    if name == "sentinel2_ndvi":
        clear = [
            s
            for s in items["sentinel-2-l2a"]
            if s["properties"]["s2:mgrs_tile"] == "33TVM"
            and "2021-06-01" <= s["properties"]["datetime"][:10] <= "2021-08-31"
            and s["properties"]["eo:cloud_cover"] <= 20
        ]
        return [f"{len(clear)} scenes with at most 20 % cloud", ", in EPSG:32633"]
    return [f"{len(items['dop-kaernten-tamsweg'])} orthophotos", "at 4 m in EPSG:31255"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_runs_against_the_portal_and_writes_its_image(
    demo_server, demo, tmp_path, name
):
    example = next(e for e in EXAMPLES if e.name == name)
    program = tmp_path / f"{name}.py"
    program.write_text(example.code(api_url=f"{demo_server}/api/v1"))
    run = subprocess.run(
        [sys.executable, str(program)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for expected in expected_output(name, demo):
        assert expected in run.stdout, run.stdout
    if name == "flood_maximum_extent":
        area = re.search(r"maximum flood extent ([\d.]+) km²", run.stdout).group(1)
        assert float(area) > 1, "the demo's flood is found"
    image = tmp_path / example.output
    assert image.stat().st_size > 5000
    assert png_read(image.read_bytes()).std() > 0, "a drawing, not a blank page"


def test_the_gallery_is_translated(client, demo):
    page = client.get("/gallery/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Maximale Überflutungsfläche" in page
    assert "Code kopieren" in page
