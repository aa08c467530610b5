"""The collection page: description rendered safely, extents, provenance and summaries."""

import pytest


@pytest.fixture
def collection(make_collection, granted_group):
    collection = make_collection("orthos", category="orthofotos")
    collection.description = (
        "Orthofotos *Kärnten*. <script>alert(1)</script> [more](https://example.org)"
    )
    collection.stac.update(
        license="CC-BY-4.0",
        providers=[{"name": "Land Kärnten", "roles": ["producer"], "url": "https://ktn.gv.at"}],
        summaries={"proj:epsg": [31255], "max_gsd": {"minimum": 12.5, "maximum": 20}},
        item_assets={
            "image": {"title": "RGBI orthophoto", "type": "image/tiff", "roles": ["data"]}
        },
    )
    collection.save()
    make_collection("secret", visibility="restricted", groups=(granted_group,))
    return collection


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_description_is_rendered_markdown_without_scripts(client, collection):
    page = text(client, "/collections/orthos/")
    assert "<em>Kärnten</em>" in page
    assert "<script>alert(1)</script>" not in page
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">more</a>' in page


def test_extents_license_providers_summaries_and_item_assets_are_shown(client, collection):
    page = text(client, "/collections/orthos/")
    assert "CC-BY-4.0" in page
    assert 'href="https://ktn.gv.at"' in page and "(Producer)" in page
    assert 'EPSG Code</th><td><a href="https://epsg.io/31255"' in page
    assert "Max Gsd</th><td>12.5 – 20</td>" in page
    assert "RGBI orthophoto" in page
    assert 'data-bbox="' in page


def test_the_collection_links_to_explore_its_items(client, collection):
    assert 'href="/explore/?collection=orthos"' in text(client, "/collections/orthos/")


def test_restricted_collections_are_not_found_for_anonymous_visitors(client, collection, bob):
    assert client.get("/collections/secret/").status_code == 404
    client.force_login(bob)
    assert client.get("/collections/secret/").status_code == 200


def test_the_collection_page_makes_a_constant_number_of_queries(
    client, collection, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        client.get("/collections/orthos/")


def test_the_collection_page_signed_in_costs_the_same_whatever_the_catalogue(
    client, collection, bob, make_collection, django_assert_max_num_queries
):
    client.force_login(bob)
    # The session, its user, and the collection (with its owner) if bob may see it.
    with django_assert_max_num_queries(3):
        assert client.get("/collections/secret/").status_code == 200
    for n in range(10):
        make_collection(f"more-{n}")
    with django_assert_max_num_queries(3):
        assert client.get("/collections/secret/").status_code == 200
