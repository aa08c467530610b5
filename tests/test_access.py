"""Who sees what: one scope, used by every page, API route and tile request."""

import pytest

from catalog_portal.catalog.access import (
    collection_is_visible,
    visible_collections,
    visible_items,
)


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    public = make_collection("public-collection")
    restricted = make_collection(
        "restricted-collection", visibility="restricted", groups=(granted_group,)
    )
    nobody = make_collection("restricted-to-nobody", visibility="restricted")
    for collection in (public, restricted, nobody):
        make_item(collection, f"{collection.stac_id}-item")
    return public, restricted, nobody


def ids(queryset) -> set[str]:
    return set(queryset.values_list("stac_id", flat=True))


def test_anonymous_user_sees_only_public_collections_and_items(catalogue, anonymous):
    assert ids(visible_collections(anonymous)) == {"public-collection"}
    assert ids(visible_items(anonymous)) == {"public-collection-item"}


def test_outsider_does_not_see_restricted_collections(catalogue, charlie):
    assert ids(visible_collections(charlie)) == {"public-collection"}
    assert ids(visible_items(charlie)) == {"public-collection-item"}


def test_member_of_a_granted_group_sees_that_collection_and_its_items(catalogue, bob):
    assert ids(visible_collections(bob)) == {"public-collection", "restricted-collection"}
    assert ids(visible_items(bob)) == {"public-collection-item", "restricted-collection-item"}


def test_administrator_sees_everything(catalogue, alice):
    assert len(ids(visible_collections(alice))) == 3
    assert len(ids(visible_items(alice))) == 3


def test_membership_in_several_granted_groups_lists_a_collection_once(catalogue, bob):
    public, restricted, nobody = catalogue
    second = bob.groups.create(name="Second group")
    restricted.groups.add(second)
    assert (
        list(visible_collections(bob).values_list("stac_id", flat=True)).count(
            "restricted-collection"
        )
        == 1
    )


def test_leaving_the_group_loses_access_at_once(catalogue, bob, granted_group):
    bob.groups.remove(granted_group)
    assert ids(visible_collections(bob)) == {"public-collection"}


def test_collection_is_visible_answers_per_user(catalogue, anonymous, bob):
    public, restricted, _ = catalogue
    assert collection_is_visible(user=anonymous, collection=public)
    assert not collection_is_visible(user=anonymous, collection=restricted)
    assert collection_is_visible(user=bob, collection=restricted)


def test_scopes_are_single_queries(catalogue, bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(visible_items(bob))
    with django_assert_num_queries(1):
        list(visible_collections(bob))
