"""Catalogue thumbnails: drawn by the tile server from each collection's newest item, small
enough to arrive quickly (bounded in pixels and bytes) and cacheable."""

import html
import io
import re

import requests
from PIL import Image

MAX_WIDTH, MAX_HEIGHT = 480, 270
MAX_BYTES = 64_000  # a PNG of the same picture is up to 240 KB


def test_catalogue_thumbnails_are_small_cacheable_images(demo_server):
    page = requests.get(f"{demo_server}/catalog/").text
    sources = [html.unescape(s) for s in re.findall(r'<img class="card-thumb" src="([^"]+)"', page)]
    assert len(sources) == 5, "one per public demo collection"
    for source in sources:
        response = requests.get(f"{demo_server}{source}")
        assert response.status_code == 200, source
        assert len(response.content) <= MAX_BYTES, (source, len(response.content))
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.width <= MAX_WIDTH and image.height <= MAX_HEIGHT, (source, image.size)
            assert image.getbbox() is not None, "not blank"
        assert response.headers["Cache-Control"].startswith("public, max-age=")
        assert "ETag" in response.headers
