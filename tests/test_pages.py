"""The home and catalogue pages list what the visitor may see, at a constant query count."""

import pytest


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    public = make_collection("public-collection", category="sentinel-2", featured=True)
    public.stac["keywords"] = ["Sentinel-2", "Austria"]
    public.save()
    restricted = make_collection(
        "restricted-collection",
        category="orthofotos",
        visibility="restricted",
        groups=(granted_group,),
    )
    make_item(public, "item-1")
    make_item(public, "item-2")
    make_item(restricted, "secret-item")
    return public, restricted


def test_home_page_shows_featured_collections(client, catalogue):
    page = client.get("/").content.decode()
    assert "Sentinel-2 L2A test tiles" in page
    assert 'href="/catalog/"' in page


def test_catalogue_lists_public_collections_by_category_for_anonymous_visitors(client, catalogue):
    response = client.get("/catalog/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sentinel-2" in page
    assert "2 items" in page
    assert "Restricted" not in page
    assert "Orthofotos" not in page  # its only collection is restricted
    assert "Log in to see restricted collections" in page


def test_catalogue_shows_restricted_collection_after_login_as_granted_user(client, catalogue, bob):
    client.force_login(bob)
    page = client.get("/catalog/").content.decode()
    assert "Orthofotos" in page
    assert "Restricted" in page
    assert "1 item<" in page


def test_outsider_does_not_see_restricted_collection(client, catalogue, charlie):
    client.force_login(charlie)
    assert "Orthofotos" not in client.get("/catalog/").content.decode()


def test_catalogue_makes_a_constant_number_of_queries(
    client, catalogue, bob, make_collection, django_assert_max_num_queries
):
    client.force_login(bob)
    for n in range(10):
        make_collection(f"more-{n}", category="other")
    # session + user + the one collections query
    with django_assert_max_num_queries(3):
        assert client.get("/catalog/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


def test_login_page_signs_in_and_returns_to_the_catalogue(client, bob):
    response = client.post("/accounts/login/", {"username": "bob", "password": "bob-password"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"


def test_login_page_refuses_a_wrong_password_with_a_message(client, bob):
    response = client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_pages_refuse_other_methods(client, db):
    assert client.post("/catalog/").status_code == 405


def test_catalogue_search_matches_titles_descriptions_and_keywords(client, catalogue, bob):
    client.force_login(bob)
    assert "Sentinel-2 L2A test tiles" in client.get("/catalog/?q=austria").content.decode()
    page = client.get("/catalog/?q=nothing+like+this").content.decode()
    assert "No collection matches your search." in page


def test_catalogue_tabs_show_featured_and_each_category(client, catalogue, bob):
    client.force_login(bob)
    page = client.get("/catalog/?tab=orthofotos").content.decode()
    assert 'aria-current="page">Orthofotos' in page
    assert 'href="/collections/restricted-collection/"' in page
    assert 'href="/collections/public-collection/"' not in page
    featured = client.get("/catalog/?tab=featured").content.decode()
    assert 'href="/collections/public-collection/"' in featured
    assert 'href="/collections/restricted-collection/"' not in featured


def test_cards_without_a_thumbnail_show_a_preview_rendered_by_the_tiler(client, catalogue):
    page = client.get("/catalog/").content.decode()
    assert 'src="/tiles/collections/public-collection/items/item-1/preview/480x270.webp"' in page
