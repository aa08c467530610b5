"""The item page: the item over the map, its metadata as a readable table, its assets."""

import pytest

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
