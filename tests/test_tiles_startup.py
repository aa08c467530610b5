"""What the tile server prepares as it starts, before requests arrive in several threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from django.conf import settings

# Run in a new interpreter: in the test process pystac has long been used.
FRESH_PROCESS = textwrap.dedent(
    """
    import json
    from concurrent.futures import ThreadPoolExecutor

    import django

    django.setup()
    import pystac

    from catalog_portal.tiles.app import create_tiles_app

    create_tiles_app()
    at_start = sorted(pystac.EXTENSION_HOOKS.hooks)
    item = {
        "type": "Feature", "stac_version": "1.0.0", "id": "a", "geometry": None,
        "properties": {"datetime": "2021-09-01T00:00:00Z", "eo:cloud_cover": 1},
        "stac_extensions": ["https://stac-extensions.github.io/eo/v1.0.0/schema.json"],
        "links": [], "assets": {},
    }
    with ThreadPoolExecutor(max_workers=8) as threads:
        list(threads.map(lambda _: pystac.Item.from_dict(dict(item)), range(32)))
    print(json.dumps({"at_start": at_start, "after": sorted(pystac.EXTENSION_HOOKS.hooks)}))
    """
)


def test_pystac_extension_hooks_are_loaded_before_requests_parse_items_in_threads():
    """pystac loads its extension hooks the first time it migrates a document and marks them
    loaded before it has: parsed from several threads at once (a map's first tiles), one
    thread iterated them while another added to them, and a tile answered 500. The server
    loads them as it starts, so that requests never change them."""
    env = {"DJANGO_SETTINGS_MODULE": "catalog_portal.settings", **os.environ}
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=True,
    )
    hooks = json.loads(result.stdout.strip().splitlines()[-1])
    assert hooks["at_start"], "no extension hooks were loaded when the tile server started"
    assert hooks["at_start"] == hooks["after"]
