"""The item page: the item over the map, its metadata as a readable table, its assets."""

import re

import pytest
from django.utils.html import escape

from catalog_portal.web.metadata import humanize, metadata_groups, value_html

URL = "/collections/{}/items/{}/"


@pytest.fixture
def items(make_collection, make_item, granted_group):
    public = make_collection("public-orthos")
    make_item(
        public,
        "4622-42",
        wolken=False,
        schatten=True,
        max_gsd=15,
        **{"proj:epsg": 31255, "proj:shape": [1024, 1024], "file:size": 1_500_000},
    )
    secret = make_collection("secret-orthos", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item")
    return public, secret


def rows(page: str) -> str:
    return " ".join(page.split())


def test_metadata_shows_labels_units_and_booleans_as_ticks(client, items):
    page = rows(client.get(URL.format("public-orthos", "4622-42")).content.decode())
    assert "Cloud Cover</th> <td>12.5 %</td>" in page
    assert "Max Gsd</th> <td>15</td>" in page
    assert 'Wolken</th> <td><span class="bool bool-no" aria-label="no">✗</span>' in page
    assert 'Schatten</th> <td><span class="bool bool-yes" aria-label="yes">✓</span>' in page
    assert "Time of Data</th> <td><time" in page and "2021-09-14 10:00:00 UTC" in page
    assert "Image Dimensions</th> <td>1024 × 1024</td>" in page


def test_the_epsg_code_links_to_its_definition(client, items):
    page = rows(client.get(URL.format("public-orthos", "4622-42")).content.decode())
    assert 'EPSG Code</th> <td><a href="https://epsg.io/31255"' in page
    assert ">EPSG:31255</a>" in page


def test_assets_have_download_links_on_the_portal_and_a_copy_button(client, items):
    page = client.get(URL.format("public-orthos", "4622-42")).content.decode()
    assert 'href="http://testserver/data/test/B04.tif" download' in page
    assert 'data-copy="http://testserver/data/test/B04.tif"' in page
    assert 'href="http://testserver/api/v1/collections/public-orthos/items/4622-42"' in page


def test_restricted_items_are_not_found_for_anonymous_and_outsiders(client, items, charlie):
    assert client.get(URL.format("secret-orthos", "secret-item")).status_code == 404
    client.force_login(charlie)
    assert client.get(URL.format("secret-orthos", "secret-item")).status_code == 404


def test_granted_users_see_restricted_items(client, items, bob):
    client.force_login(bob)
    assert client.get(URL.format("secret-orthos", "secret-item")).status_code == 200


def test_unknown_items_are_not_found(client, items):
    assert client.get(URL.format("public-orthos", "nope")).status_code == 404
    assert client.get(URL.format("nope", "4622-42")).status_code == 404


def test_the_item_page_makes_a_constant_number_of_queries(
    client, items, make_item, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert client.get(URL.format("public-orthos", "4622-42")).status_code == 200


def test_the_item_page_signed_in_costs_the_same_whatever_the_catalogue(
    client, items, bob, make_collection, django_assert_max_num_queries
):
    client.force_login(bob)
    # The session, its user, and the item with its collection, scoped in the same statement.
    with django_assert_max_num_queries(3):
        assert client.get(URL.format("secret-orthos", "secret-item")).status_code == 200
    for n in range(10):
        make_collection(f"more-{n}")
    with django_assert_max_num_queries(3):
        assert client.get(URL.format("secret-orthos", "secret-item")).status_code == 200


@pytest.mark.parametrize(
    ("key", "label"),
    [("max_gsd", "Max Gsd"), ("s2:mgrs_tile", "Mgrs Tile"), ("view:sun-azimuth", "Sun Azimuth")],
)
def test_unknown_keys_are_humanised(key, label):
    assert humanize(key) == label


def test_nested_values_are_readable_and_escaped():
    html = value_html([{"name": "B04", "note": "<script>"}], {})
    assert "<dt>Name</dt><dd>B04</dd>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_extensions_are_grouped_after_the_general_fields():
    groups = metadata_groups({"proj:epsg": 32633, "platform": "sentinel-2a", "eo:cloud_cover": 3})
    assert [group.label for group in groups] == ["General", "Electro-Optical", "Projection"]


def test_the_metadata_table_speaks_german_too(client, items):
    """stac-fields' labels are English; those the portal lists (web/field_labels.py) are in
    the German catalogue, and the data's own names stay as they are."""
    url = URL.format("public-orthos", "4622-42")
    page = rows(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert 'EPSG-Code</th> <td><a href="https://epsg.io/31255"' in page
    assert "Bewölkung</th> <td>12.5 %</td>" in page
    assert "Aufnahmezeit</th> <td><time" in page
    assert "Wolken</th>" in page and "Max Gsd</th>" in page


# --- the breadcrumb, the way back to the results ----------------------------------------------


def test_the_breadcrumb_links_to_the_collection(client, items):
    page = rows(client.get(URL.format("public-orthos", "4622-42")).content.decode())
    assert '› <a href="/collections/public-orthos/">' in page


EXPLORE_BACK = "/explore/?collection=public-orthos&start=2021-09-01&p.wolken=false"


def test_back_to_results_returns_to_the_explore_url_given(client, items):
    url = URL.format("public-orthos", "4622-42")
    response = client.get(url, {"back": EXPLORE_BACK})
    page = rows(response.content.decode())
    href = EXPLORE_BACK.replace("&", "&amp;")
    assert f'<a href="{href}">← Back to results</a>' in page


def test_back_to_results_comes_from_the_referer_of_this_site(client, items):
    url = URL.format("public-orthos", "4622-42")
    referer = f"http://testserver{EXPLORE_BACK}"
    page = rows(client.get(url, HTTP_REFERER=referer).content.decode())
    assert f'<a href="{EXPLORE_BACK.replace("&", "&amp;")}">← Back to results</a>' in page


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/explore/?collection=x",
        "//evil.example/explore/",
        "/\\evil.example/explore/",
        "\\\\evil.example/explore/",
        "javascript:alert(1)//explore/",
        "/explore/?a=1\r\nSet-Cookie: x=1",
        "/admin/",
        "/explore/../admin/",
        "explore/?collection=x",
        "/explore/?" + "a" * 5_000,
        "/explore /",
    ],
)
def test_a_hostile_back_value_gives_no_link(client, items, back):
    response = client.get(URL.format("public-orthos", "4622-42"), {"back": back})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Back to results" not in page
    assert 'name="back"' not in page  # nor is it kept for the render form
    assert f'href="{escape(back)}' not in page


@pytest.mark.parametrize(
    "referer",
    [
        "http://evil.example/explore/?collection=x",
        "https://testserver.evil.example/explore/",
        "ftp://testserver/explore/",
        "http://testserver/collections/public-orthos/",
    ],
)
def test_a_referer_from_elsewhere_gives_no_link(client, items, referer):
    response = client.get(URL.format("public-orthos", "4622-42"), HTTP_REFERER=referer)
    assert "Back to results" not in response.content.decode()
    assert "Referer" in response["Vary"]


# --- asset details: bands, classes, sizes, providers (the demo's real STAC) -----------------


def demo_item(demo, collection_id: str) -> dict:
    return next(c for c in demo if c.stac["id"] == collection_id).items[0]


def test_sentinel_2_assets_have_band_tables_with_wavelength_and_raster_fields(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    page = rows(client.get(URL.format("sentinel-2-l2a", item["id"])).content.decode())
    header = (
        '<th scope="col">Name</th><th scope="col">Common Name</th>'
        '<th scope="col">Center Wavelength</th><th scope="col">No-data value</th>'
        '<th scope="col">Data type</th><th scope="col">Scale</th><th scope="col">Offset</th>'
    )
    assert header in page.replace("> <", "><")
    band = item["assets"]["B08"]["eo:bands"][0]
    assert (
        f"<td>B08</td><td>{band['common_name']}</td><td>{band['center_wavelength']:g} µm</td>"
        "<td>0</td><td>uint16</td><td>0.0001</td><td>0</td>"
    ) in page.replace("> <", "><")
    assert re.search(r"<caption[^>]*>Bands of (Near infrared|NIR)", page)


def test_orthophoto_bands_list_every_band_of_the_image(client, demo):
    item = demo_item(demo, "dop-kaernten-tamsweg")
    page = rows(client.get(URL.format("dop-kaernten-tamsweg", item["id"])).content.decode())
    bands = item["assets"]["image"]["eo:bands"]
    table = page.split('<table class="bands">')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(bands)  # the header and one row per band
    for band in bands:
        assert f"<td>{band['name']}</td>" in table


def test_flood_classes_are_listed_with_their_values(client, demo):
    item = demo_item(demo, "GFM")
    page = rows(client.get(URL.format("GFM", item["id"])).content.decode())
    table = page.split('<table class="classes">')[1].split("</table>")[0].replace("> <", "><")
    assert "<td>0</td><td>no-flood</td></tr>" in table
    assert "<td>1</td><td>flood</td></tr>" in table
    # Nothing to show in them: no description or colour columns.
    assert "Description" not in table and "Colour" not in table


def test_classes_show_their_colour_hint_and_description(client, make_collection, make_item):
    collection = make_collection("landcover")
    item = make_item(collection, "lc-1")
    item.stac["assets"]["B04"]["classification:classes"] = [
        {"value": 1, "name": "water", "title": "Water", "description": "Open <b>water</b>",
         "color_hint": "1E6EDC"},
        {"value": 2, "name": "forest", "color_hint": "not-a-colour"},
    ]  # fmt: skip
    item.save()
    page = rows(client.get(URL.format("landcover", "lc-1")).content.decode()).replace("> <", "><")
    assert (
        "<td>1</td><td>Water</td><td>Open &lt;b&gt;water&lt;/b&gt;</td>"
        '<td><svg class="swatch" viewBox="0 0 16 16" aria-hidden="true">'
        '<rect width="16" height="16" fill="#1e6edc"/></svg> #1e6edc</td>'
    ) in page
    assert "<td>2</td><td>forest</td><td></td><td></td>" in page


def test_file_sizes_are_human_readable(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    page = rows(client.get(URL.format("sentinel-2-l2a", item["id"])).content.decode())
    size = item["assets"]["B04"]["file:size"]
    assert 1_000 <= size < 10_000_000
    shown = f"{size / 1e3:.1f} kB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"
    assert f"<dt>File size</dt><dd data-file-size>{shown}</dd>" in page.replace("> <", "><")


def test_providers_are_listed_with_their_roles(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    page = rows(client.get(URL.format("sentinel-2-l2a", item["id"])).content.decode())
    table = page.split('<table class="metadata providers">')[1].split("</table>")[0]
    table = table.replace("> <", "><")
    assert '<th scope="row">ESA (demo)</th><td>Producer, Licensor</td>' in table
    assert '<th scope="row">Catalog Portal</th><td>Host, Processor</td>' in table


def test_an_items_own_providers_come_before_its_collections(client, items, make_item):
    collection = items[0].__class__.objects.get(stac_id="public-orthos")
    make_item(
        collection,
        "own-providers",
        providers=[{"name": "<Flight Co>", "roles": ["producer", "pilot"],
                    "url": "javascript:alert(1)"}],
    )  # fmt: skip
    page = rows(client.get(URL.format("public-orthos", "own-providers")).content.decode())
    table = page.split('<table class="metadata providers">')[1].split("</table>")[0]
    assert "&lt;Flight Co&gt;</th> <td>Producer, pilot</td>" in table
    assert "javascript:" not in page
    assert "Catalog Portal tests" not in table


# --- renders: the choice, its tilejson and its legend ---------------------------------------


def test_renders_are_offered_with_the_default_chosen(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    page = rows(client.get(URL.format("sentinel-2-l2a", item["id"])).content.decode())
    tilejson = f"/tiles/collections/sentinel-2-l2a/items/{item['id']}/WebMercatorQuad/tilejson.json"
    assert f'<option value="default" data-tilejson="{tilejson}" selected>True colour</option>' in (
        page
    )
    assert f'<option value="ndvi" data-tilejson="{tilejson}?render=ndvi">NDVI</option>' in page
    assert f'data-tilejson="{tilejson}"></div>' in page  # the map draws the default


def test_a_chosen_render_is_drawn_and_its_ramp_shown(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    url = URL.format("sentinel-2-l2a", item["id"])
    page = rows(client.get(url, {"render": "ndvi"}).content.decode())
    assert 'tilejson.json?render=ndvi"></div>' in page
    assert '<option value="ndvi" data-tilejson="' in page and '?render=ndvi" selected>' in page
    legend = page.split('<figure class="legend" data-legend="ndvi">')[1].split("</figure>")[0]
    assert 'aria-label="Colour scale from -0.2 to 0.9"' in legend
    # rdylgn: red at the low end, green at the high end.
    assert '<stop offset="0%" stop-color="rgb(165, 0, 38)"/>' in legend
    assert '<stop offset="100%" stop-color="rgb(0, 104, 55)"/>' in legend
    assert "<span>-0.2</span><span>0.9</span>" in legend.replace("> <", "><")
    assert "data-legend" not in page.split('data-legend="ndvi"')[0]  # true colour: no legend


def test_an_unknown_render_is_a_bad_request_naming_the_known_ones(client, demo):
    item = demo_item(demo, "sentinel-2-l2a")
    url = URL.format("sentinel-2-l2a", item["id"])
    for render in ("nope", "<script>", "x" * 10_000):
        response = client.get(url, {"render": render})
        assert response.status_code == 400
        page = response.content.decode()
        assert "known: default, ndvi" in page
        assert "<script>" not in page.split("</head>")[1].replace("<script src=", "")


def test_the_flood_legend_names_its_classes(client, demo):
    item = demo_item(demo, "GFM")
    page = rows(client.get(URL.format("GFM", item["id"])).content.decode())
    legend = page.split('<figure class="legend" data-legend="default">')[1].split("</figure>")[0]
    assert "Legend: Flood extent" in legend
    assert '<rect x="1" y="1" width="14" height="14" fill="rgb(30, 110, 220)"/>' in legend
    assert '<span class="legend-label">flood</span> <span class="muted">(1)</span>' in legend
    assert '<span class="legend-label">no-flood</span> <span class="muted">(0, not drawn)' in legend
    assert '<select id="render"' not in page  # one render: nothing to choose


def test_the_item_page_with_renders_and_bands_still_makes_two_queries(
    client, demo, django_assert_max_num_queries
):
    item = demo_item(demo, "sentinel-2-l2a")
    with django_assert_max_num_queries(2):
        response = client.get(URL.format("sentinel-2-l2a", item["id"]), {"render": "ndvi"})
    assert response.status_code == 200


def test_odd_renders_of_imported_stac_give_no_legend_rather_than_an_error(client, items):
    collection = items[0]
    collection.stac["renders"] = {
        "default": "not a render",
        "unknown-colormap": {"title": "<b>Odd</b>", "colormap_name": "nope", "rescale": [[0, 1]]},
        "bad-rescale": {"colormap_name": "viridis", "rescale": [["low"]]},
        "bad-colormap": {"assets": ["B04"], "colormap": {"x": "not a colour"}},
    }
    collection.save()
    response = client.get(URL.format("public-orthos", "4622-42"))
    assert response.status_code == 200
    page = response.content.decode()
    select = page.split('<select id="render"')[1].split("</select>")[0]
    assert select.count("<option value=") == 4
    assert "&lt;b&gt;Odd&lt;/b&gt;" in page and "<b>Odd</b>" not in page
    assert "data-legend=" not in page
    chosen = client.get(URL.format("public-orthos", "4622-42"), {"render": "bad-colormap"})
    assert chosen.status_code == 200
