"""Code snippets that run: for explore states like the ones people make, the generated
programs run against a live portal, find exactly the items the explore page lists and load
their pixels over HTTP; every generated file is formatted, lint-free and valid."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import requests
from django.contrib.auth.models import User
from django.http import QueryDict
from pyproj import CRS

from catalog_portal.catalog.access import viewer_read
from catalog_portal.catalog.search import item_search, search_from_params
from catalog_portal.catalog.selectors import catalog_overview
from catalog_portal.demo.flood import EQUI7_EU
from catalog_portal.demo.loader import DEMO_USER
from catalog_portal.snippets.spec import TOKEN_VARIABLE, load_spec_read, search_filter
from catalog_portal.web.explore import chosen_collection, explore_state
from tests.conftest import missing, session_cookie

EQUI7 = EQUI7_EU.to_wkt()
S2_BANDS = ["B02", "B03", "B04", "B08", "SCL"]
# Explore states, as their URLs' query strings: (query, CRS of the loaded data, its bands).
STATES = {
    "date-range-only": (
        "collection=GFM&start=2024-09-12&end=2024-09-17",
        EQUI7,
        ["ensemble_flood_extent"],
    ),
    "date-range-and-drawn-area": (
        "collection=sentinel-2-l2a&start=2021-06-01&end=2021-07-31&bbox=14.2,46.55,14.45,46.7",
        "EPSG:32633",
        S2_BANDS,
    ),
    "area-dates-and-boolean-and-numeric-properties": (
        "collection=dop-kaernten-tamsweg&start=2021-09-01&end=2021-09-30"
        "&bbox=13.79,47.12,13.83,47.14&p.wolken=false&p.max_gsd.min=15",
        "EPSG:31255",
        ["red", "green", "blue", "nir"],
    ),
    "sentinel-2-with-cloud-cover": (
        "collection=sentinel-2-l2a&start=2021-06-01&end=2021-08-31"
        "&bbox=14.288,46.6,14.321,46.623&p.eo:cloud_cover.max=20",
        "EPSG:32633",
        S2_BANDS,
    ),
    "gfm-like-the-eodc-example": (
        "collection=GFM&start=2024-09-12&end=2024-09-20&bbox=16.43,50.75,17.88,51.31",
        EQUI7,
        ["ensemble_flood_extent"],
    ),
}
RESTRICTED = "dop-kaernten-osttirol"

# Runs a generated program unchanged and reports what it found and loaded, as JSON.
HARNESS = """
import json
import runpy
import sys

program = runpy.run_path(sys.argv[1], run_name="__main__")
data = program["data"]
if "time" in data.dims:  # odc-stac: a Dataset of bands over time
    first = data[next(iter(data.data_vars))].isel(time=0)
    valid = int((first != first.attrs.get("nodata")).sum())
    crs = data.odc.crs.to_wkt()
    dims = {name: list(band.dims) for name, band in data.data_vars.items()}
else:  # rioxarray: one asset, no-data masked
    valid = int(data.isel(band=0).notnull().sum())
    crs = data.rio.crs.to_wkt()
    dims = list(data.dims)
items = program["items"]
print(json.dumps({
    "ids": [item.id for item in items],
    "hrefs": [asset.href for item in items for asset in item.assets.values()],
    "dims": dims,
    "crs": crs,
    "valid": valid,
}))
"""


def explore_ids(server: str, query: str, *, cookies: dict | None = None) -> list[str]:
    """The item ids the explore page lists for ``query``, following its pages (as the visitor
    whose ``cookies`` are given, or anonymous)."""
    ids, url = [], f"{server}/explore/?{query}"
    while url:
        page = requests.get(url, timeout=60, cookies=cookies)
        assert page.status_code == 200, page.text[:500]
        ids += re.findall(r'<span class="result-id">([^<]+)</span>', page.text)
        following = re.search(r'rel="next" href="\?([^"]+)"', page.text)
        url = f"{server}/explore/?{html.unescape(following.group(1))}" if following else None
    return ids


def snippet(server: str, path: str) -> str:
    response = requests.get(f"{server}{path}", timeout=60)
    assert response.status_code == 200, response.text[:500]
    return response.text


def run(command: list[str], tmp_path: Path, *, token: str | None = None, timeout: int = 300):
    env = {key: value for key, value in os.environ.items() if key != TOKEN_VARIABLE}
    env["MPLBACKEND"] = "Agg"  # the programs plot; no display here
    if token is not None:
        env[TOKEN_VARIABLE] = token
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout
    )


def run_python(code: str, tmp_path: Path, *, token: str | None = None) -> dict:
    """Run a Python snippet through HARNESS; what it found and loaded."""
    (tmp_path / "snippet.py").write_text(code)
    (tmp_path / "harness.py").write_text(HARNESS)
    done = run([sys.executable, "harness.py", "snippet.py"], tmp_path, token=token)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def same_crs(wkt: str, expected: str) -> bool:
    return CRS.from_wkt(wkt).equals(CRS.from_user_input(expected), ignore_axis_order=True)


def node() -> str:
    path = shutil.which("node")
    if path is None:
        missing("Node.js", "apt-get install nodejs")
    return path


# --- the programs, run against a live portal --------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_the_python_snippet_finds_the_items_the_explore_page_lists_and_loads_their_pixels(
    portal_server, demo, tmp_path, state
):
    query, crs, bands = STATES[state]
    expected = explore_ids(portal_server, query)
    assert expected, "the state finds items in the demo catalogue"

    code = snippet(portal_server, f"/snippets/search/?{query}&lang=python&format=text")
    report = run_python(code, tmp_path)

    assert report["ids"] == expected
    assert report["dims"] == {band: ["time", "y", "x"] for band in bands}
    assert same_crs(report["crs"], crs)
    assert report["valid"] > 0, "pixels were read"
    assert all(href.startswith(f"{portal_server}/data/") for href in report["hrefs"]), "over HTTP"


def test_the_one_item_python_snippet_of_a_search_opens_its_first_items_asset(
    demo_server, demo, tmp_path
):
    query, crs, _bands = STATES["area-dates-and-boolean-and-numeric-properties"]
    code = snippet(demo_server, f"/snippets/search/?{query}&lang=python-item&format=text")
    report = run_python(code, tmp_path)
    assert report["ids"][0] == explore_ids(demo_server, query)[0]
    assert report["dims"] == ["band", "y", "x"]
    assert same_crs(report["crs"], crs)
    assert report["valid"] > 0


def test_the_item_snippet_opens_that_items_asset_over_http(demo_server, demo, tmp_path):
    item = next(c for c in demo if c.stac["id"] == "GFM").items[0]
    code = snippet(demo_server, f"/snippets/collections/GFM/items/{item['id']}/?format=text")
    assert "rioxarray.open_rasterio" in code, "one item opens with rioxarray by default"
    report = run_python(code, tmp_path)
    assert report["ids"] == [item["id"]]
    assert report["dims"] == ["band", "y", "x"]
    assert same_crs(report["crs"], EQUI7)
    assert report["valid"] > 0


@pytest.mark.parametrize("state", STATES)
def test_the_curl_and_javascript_snippets_find_the_same_items(demo_server, demo, tmp_path, state):
    query = STATES[state][0]
    expected = explore_ids(demo_server, query)

    (tmp_path / "search.sh").write_text(
        snippet(demo_server, f"/snippets/search/?{query}&lang=curl&format=text")
    )
    curl = run(["sh", "search.sh"], tmp_path, timeout=60)
    assert curl.returncode == 0, curl.stderr
    assert [feature["id"] for feature in json.loads(curl.stdout)["features"]] == expected

    (tmp_path / "search.js").write_text(
        snippet(demo_server, f"/snippets/search/?{query}&lang=javascript&format=text")
    )
    script = run([node(), "search.js"], tmp_path, timeout=60)
    assert script.returncode == 0, script.stderr
    lines = script.stdout.splitlines()
    assert lines[0] == f"{len(expected)} items found"
    assert [line.split()[0] for line in lines[1:]] == expected


def test_the_javascript_snippet_follows_next_links_to_every_page(demo_server, demo, tmp_path):
    (tmp_path / "search.js").write_text(
        snippet(demo_server, "/snippets/collections/sentinel-2-l2a/?lang=javascript&format=text")
    )
    script = run([node(), "search.js"], tmp_path, timeout=60)
    assert script.returncode == 0, script.stderr
    ids = [line.split()[0] for line in script.stdout.splitlines()[1:]]
    expected = explore_ids(demo_server, "collection=sentinel-2-l2a")
    assert len(expected) > 100, "more than one page of the snippet's search"
    assert ids == expected


# --- restricted data ----------------------------------------------------------------------


@pytest.fixture
def restricted_snippets(client, portal_server, demo):
    """The snippets of the restricted Osttirol orthophotos, as the demo user (who may see
    them) gets them for the live portal."""
    client.force_login(User.objects.get(username=DEMO_USER))
    host = portal_server.removeprefix("http://")

    def get(lang: str) -> str:
        url = f"/snippets/collections/{RESTRICTED}/?lang={lang}&format=text"
        response = client.get(url, HTTP_HOST=host)
        assert response.status_code == 200, response.content[:500]
        return response.content.decode()

    return get


def test_restricted_snippets_read_the_token_from_the_environment(restricted_snippets):
    python = restricted_snippets("python")
    assert f'token = os.environ.get("{TOKEN_VARIABLE}")' in python
    assert 'headers = {"Authorization": f"Bearer {token}"}' in python
    assert "headers=headers" in python, "pystac-client sends it"
    assert 'GDAL_HTTP_HEADERS=f"Authorization: Bearer {token}"' in python, "GDAL sends it"
    assert f"${{{TOKEN_VARIABLE}:?" in restricted_snippets("curl")
    assert f"process.env.{TOKEN_VARIABLE}" in restricted_snippets("javascript")


def test_restricted_snippets_without_a_token_stop_with_a_sentence_and_no_data(
    restricted_snippets, tmp_path
):
    sentence = f"Set {TOKEN_VARIABLE} to your API token: this data is restricted."
    (tmp_path / "snippet.py").write_text(restricted_snippets("python"))
    python = run([sys.executable, "snippet.py"], tmp_path)
    assert (python.returncode, python.stdout, python.stderr) == (1, "", sentence + "\n")

    (tmp_path / "search.js").write_text(restricted_snippets("javascript"))
    script = run([node(), "search.js"], tmp_path)
    assert (script.returncode, script.stdout, script.stderr) == (1, "", sentence + "\n")

    (tmp_path / "search.sh").write_text(restricted_snippets("curl"))
    curl = run(["sh", "search.sh"], tmp_path)
    assert curl.returncode != 0 and curl.stdout == ""
    assert f"{TOKEN_VARIABLE}: set it to your API token" in curl.stderr


def test_a_restricted_snippet_with_a_token_the_portal_refuses_says_so_without_a_traceback(
    restricted_snippets, tmp_path
):
    (tmp_path / "snippet.py").write_text(restricted_snippets("python"))
    python = run([sys.executable, "snippet.py"], tmp_path, token="not-a-token")
    assert python.returncode == 1 and python.stdout == ""
    assert python.stderr.startswith("The portal refused the search: ")
    assert "Traceback" not in python.stderr


def test_restricted_snippets_with_a_token_find_and_load_what_the_granted_user_sees(
    restricted_snippets, portal_server, demo_user, make_token, tmp_path
):
    """The demo user's token, read from the environment: pystac-client finds the items the
    explore page lists for the signed-in demo user, and GDAL reads their pixels from /data with
    the same header; curl and node find the same ids."""
    secret = make_token(demo_user)
    expected = explore_ids(
        portal_server, f"collection={RESTRICTED}", cookies=session_cookie(demo_user)
    )
    assert expected, "the demo user sees the restricted items"

    report = run_python(restricted_snippets("python"), tmp_path, token=secret)
    assert report["ids"] == expected
    assert report["dims"] == {band: ["time", "y", "x"] for band in ("red", "green", "blue", "nir")}
    assert same_crs(report["crs"], "EPSG:31255")
    assert report["valid"] > 0, "pixels were read with the token"

    (tmp_path / "search.sh").write_text(restricted_snippets("curl"))
    curl = run(["sh", "search.sh"], tmp_path, token=secret, timeout=60)
    assert curl.returncode == 0, curl.stderr
    assert [feature["id"] for feature in json.loads(curl.stdout)["features"]] == expected

    (tmp_path / "search.js").write_text(restricted_snippets("javascript"))
    script = run([node(), "search.js"], tmp_path, token=secret, timeout=60)
    assert script.returncode == 0, script.stderr
    assert [line.split()[0] for line in script.stdout.splitlines()[1:]] == expected


# --- the files themselves -----------------------------------------------------------------

LINTED = [
    *(f"/snippets/search/?{query}" for query, _crs, _bands in STATES.values()),
    "/snippets/search/?start=2021-09-01&end=2021-09-10",  # all datasets
    "/snippets/search/?collection=sentinel-1-sig0&bbox=170,-10,-170,10",  # the antimeridian
    f"/snippets/collections/{RESTRICTED}/",
    "/snippets/collections/GFM/items/{gfm_item}/",
]


def ruff(*args: str, code: str) -> subprocess.CompletedProcess:
    # --isolated: the defaults a reader's ruff has (88 columns), not this project's settings.
    command = [sys.executable, "-m", "ruff", *args, "--isolated", "--stdin-filename", "x.py", "-"]
    return subprocess.run(command, input=code, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("path", LINTED)
def test_every_generated_python_file_is_formatted_lint_free_and_compiles(client, alice, demo, path):
    client.force_login(alice)  # an administrator sees the restricted collection too
    path = path.format(gfm_item=next(c for c in demo if c.stac["id"] == "GFM").items[0]["id"])
    joiner = "&" if "?" in path else "?"
    for lang in ("python", "python-item"):
        code = client.get(f"{path}{joiner}lang={lang}&format=text").content.decode()
        formatted = ruff("format", "--check", code=code)
        assert formatted.returncode == 0, f"{lang}: {formatted.stdout}{formatted.stderr}"
        checked = ruff("check", "--select", "E,W,F,I,B,UP", "--no-fix", code=code)
        assert checked.returncode == 0, f"{lang}: {checked.stdout}"
        compile(code, f"{lang}.py", "exec")

    notebook_text = client.get(f"{path}{joiner}lang=notebook&format=text").content.decode()
    notebook = nbformat.reads(notebook_text, as_version=4)
    nbformat.validate(notebook)
    python = client.get(f"{path}{joiner}lang=python&format=text").content.decode()
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert python.endswith("\n\n".join(cells) + "\n"), "the notebook is the Python snippet"


def test_snippets_are_deterministic(client, demo):
    query = STATES["sentinel-2-with-cloud-cover"][0]
    for lang in ("python", "python-item", "curl", "javascript", "notebook"):
        url = f"/snippets/search/?{query}&lang={lang}&format=text"
        assert client.get(url).content == client.get(url).content, lang


# --- what the snippets are made of --------------------------------------------------------


def test_the_load_parameters_come_from_each_demo_collections_metadata(demo_files):
    _root, generated = demo_files
    specs = {c.stac["id"]: load_spec_read(collection=c.stac, item=c.items[0]) for c in generated}
    ortho, s2, gfm = specs["dop-kaernten-tamsweg"], specs["sentinel-2-l2a"], specs["GFM"]
    assert (ortho.crs, ortho.resolution, ortho.bands, ortho.nodata) == (
        "EPSG:31255",
        1.0,
        ("red", "green", "blue", "nir"),  # the eo:bands of its one four-band asset
        0,
    )
    assert (s2.crs, s2.resolution, s2.bands, s2.nodata) == ("EPSG:32633", 10.0, tuple(S2_BANDS), 0)
    assert same_crs(gfm.crs, EQUI7), "from the items' proj:wkt2"
    assert "EPSG:27704" in gfm.crs_note, "named after the EPSG code it matches"
    assert (gfm.resolution, gfm.bands, gfm.nodata) == (20.0, ("ensemble_flood_extent",), 255)
    assert specs["sentinel-1-sig0"].nodata == -9999
    assert specs["sentinel-1-sig0"].bands == ("VV", "VH")


def test_a_collection_without_data_assets_or_a_crs_has_nothing_to_load():
    assert load_spec_read(collection={"item_assets": {}}, item=None) is None
    no_crs = {"item_assets": {"B04": {"roles": ["data"]}}}
    assert load_spec_read(collection=no_crs, item={"properties": {}}) is None


CQL2_QUERIES = [
    *(query for query, _crs, _bands in STATES.values()),
    "collection=GFM&start=2024-09-15",  # open end
    "collection=GFM&end=2024-09-15",  # open start
    "collection=GFM&start=2024-09-17&end=2024-09-17",  # one day
    "bbox=16.96,50.93,17.28,51.13",  # all datasets, an area only
    "collection=dop-kaernten-tamsweg&p.wolken=true&p.max_gsd.max=12.5",
    "collection=sentinel-1-sig0&p.sat:orbit_state=descending",
]


def test_the_snippets_cql2_filter_finds_what_the_explore_page_finds(demo, anonymous):
    # The page searches with bbox and datetime parameters; the snippets send one CQL2 filter
    # with s_intersects and anyinteracts instead. Both must select the same items.
    collections = catalog_overview(viewer=viewer_read(user=anonymous)).collections
    for query in CQL2_QUERIES:
        chosen = chosen_collection(QueryDict(query), collections=collections)
        state = explore_state(QueryDict(query), queryables=chosen.queryables if chosen else {})
        page = item_search(user=anonymous, search=state.search(limit=10_000))
        mosaic = state.mosaic_search()
        as_cql2 = search_from_params(
            collections=mosaic.get("collections"),
            filter=search_filter(search=mosaic),
            filter_lang="cql2-json",
            limit=10_000,
        )
        again = item_search(user=anonymous, search=as_cql2)
        expected = [item.stac_id for item in page.items]
        assert expected, query
        assert [item.stac_id for item in again.items] == expected, query
