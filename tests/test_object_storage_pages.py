"""The gallery's previews and the catalogue's thumbnails of collections whose files live in
object storage: the demo catalogued by ``s3://`` hrefs in the test S3 server, with an empty
data folder. Every preview and thumbnail the pages show is an image, pixel for pixel the one
the same files give from the data folder."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
import requests

from catalog_portal.web.gallery import EXAMPLES
from tests.test_tiles import image_read

# (page, the class of its images drawn by the tile server); the catalogue's thumbnails are
# WebP (small), the gallery's previews PNG.
PAGES = [("/gallery/", "gallery-preview"), ("/catalog/?tab=all", "card-thumb")]
IMAGE_TYPES = {"gallery-preview": "image/png", "card-thumb": "image/webp"}


def images_shown(portal: str, path: str, image_class: str) -> dict[str, np.ndarray]:
    """The images of class ``image_class`` on the page at ``path``, each fetched as the
    browser would: {src: pixels}; each must answer 200 with an image of the page's type."""
    page = requests.get(portal + path, timeout=30)
    assert page.status_code == 200, path
    sources = re.findall(rf'<img class="{image_class}" src="([^"]+)"', page.text)
    images = {}
    for src in map(html.unescape, sources):
        answer = requests.get(portal + src, timeout=60)
        assert answer.status_code == 200, (src, answer.text[:300])
        assert answer.headers["Content-Type"] == IMAGE_TYPES[image_class], src
        images[src] = image_read(answer.content)
    return images


@pytest.mark.parametrize(("path", "image_class"), PAGES)
def test_previews_of_collections_in_object_storage_are_the_images_of_the_local_files(
    portal_server, demo, s3_demo, settings, tmp_path, path, image_class
):
    local = images_shown(portal_server, path, image_class)
    # Every public collection of the demo has a card with a drawn thumbnail (an anonymous
    # visitor sees no other); every example has a preview.
    public = [c for c in demo if c.curation["visibility"] == "public"]
    expected = len(EXAMPLES) if image_class == "gallery-preview" else len(public)
    assert len(local) == expected and all(src.startswith("/tiles/") for src in local)

    settings.ASSET_SOURCES = (s3_demo.source,)
    settings.DATA_ROOT = tmp_path / "empty-data-root"
    settings.DATA_ROOT.mkdir()
    s3_demo.store(*(collection.stac["id"] for collection in demo))

    remote = images_shown(portal_server, path, image_class)
    assert remote.keys() == local.keys()
    for src, pixels in remote.items():
        assert pixels.shape == local[src].shape and (pixels[-1] > 0).any(), src
        assert np.array_equal(pixels, local[src]), src
