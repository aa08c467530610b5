"""Sharing restricted collections with users and groups, with an optional expiry: who may
share, who has access, and that an ended or expired share counts at once everywhere."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from catalog_portal.catalog.access import visible_collections
from catalog_portal.catalog.models import CollectionShare
from catalog_portal.catalog.sharing import (
    ShareInvalid,
    collection_access_list,
    collection_share,
    collection_unshare,
)
from catalog_portal.tiles.catalog_cache import catalog_cache_clear as lookups_clear
from tests.conftest import bearer, session_cookie

OSTTIROL = "dop-kaernten-osttirol"


@pytest.fixture
def secret(make_collection, make_item, bob):
    """A restricted collection owned by bob (granted to nobody else)."""
    collection = make_collection("secret-collection", visibility="restricted")
    collection.owner = bob
    collection.save()
    make_item(collection, "secret-item")
    return collection


def visible_ids(user) -> set[str]:
    return set(visible_collections(user).values_list("stac_id", flat=True))


def test_an_owner_sees_their_restricted_collection_and_others_do_not(secret, bob, charlie):
    assert "secret-collection" in visible_ids(bob)
    assert "secret-collection" not in visible_ids(charlie)


def test_sharing_with_a_user_lets_them_see_it(secret, bob, charlie):
    collection_share(collection=secret, by=bob, username="charlie")
    assert "secret-collection" in visible_ids(charlie)


def test_sharing_with_a_group_lets_its_members_see_it(secret, bob, charlie):
    collection_share(collection=secret, by=bob, group_name="Elsewhere")  # charlie's group
    assert "secret-collection" in visible_ids(charlie)


def test_an_expired_share_grants_nothing(secret, bob, charlie):
    share = collection_share(
        collection=secret, by=bob, username="charlie", expires=timezone.now() + dt.timedelta(1)
    )
    assert "secret-collection" in visible_ids(charlie)
    CollectionShare.objects.filter(pk=share.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "secret-collection" not in visible_ids(charlie)


def test_sharing_again_replaces_the_expiry(secret, bob, charlie):
    collection_share(
        collection=secret, by=bob, username="charlie", expires=timezone.now() + dt.timedelta(1)
    )
    collection_share(collection=secret, by=bob, username="charlie")
    assert CollectionShare.objects.get(collection=secret).expires is None


def test_only_the_owner_and_administrators_share(secret, alice, charlie):
    with pytest.raises(PermissionDenied):
        collection_share(collection=secret, by=charlie, username="charlie")
    collection_share(collection=secret, by=alice, username="charlie")  # an administrator


@pytest.mark.parametrize(
    "target, message",
    [
        ({"username": "nobody"}, "There is no user"),
        ({"group_name": "No such group"}, "There is no group"),
        ({}, "either a user or a group"),
        ({"username": "charlie", "group_name": "Elsewhere"}, "either a user or a group"),
        (
            {"username": "charlie", "expires": timezone.now() - dt.timedelta(1)},
            "in the past",
        ),
    ],
)
def test_a_share_that_cannot_be_made_says_why(secret, bob, charlie, target, message):
    with pytest.raises(ShareInvalid, match=message):
        collection_share(collection=secret, by=bob, **target)


def test_the_access_list_names_owner_groups_and_shares(secret, bob, charlie, granted_group):
    secret.groups.add(granted_group)
    until = timezone.now() + dt.timedelta(days=3)
    collection_share(collection=secret, by=bob, username="charlie", expires=until)
    entries = collection_access_list(collection=secret)
    assert [(e.kind, e.name, e.is_group) for e in entries] == [
        ("owner", "bob", False),
        ("group", "Land Kärnten", True),
        ("share", "charlie", False),
    ]
    assert entries[2].expires == until and not entries[2].expired


def test_the_owner_shares_and_unshares_from_the_collection_page(secret, bob, charlie):
    client = Client()
    client.force_login(bob)
    page = client.get("/collections/secret-collection/").content.decode()
    assert "Share with user/group" in page and "Who has access" in page
    response = client.post(
        "/collections/secret-collection/share/",
        {"kind": "user", "name": "charlie", "until": "2099-12-31"},
        follow=True,
    )
    assert "Shared with charlie." in response.content.decode()
    share = CollectionShare.objects.get(collection=secret, user=charlie)
    assert share.expires == dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=dt.UTC)  # that day's end
    assert "charlie" in response.content.decode()
    client.post(f"/collections/secret-collection/shares/{share.pk}/remove/")
    assert not CollectionShare.objects.filter(pk=share.pk).exists()


def test_a_mistyped_name_is_reported_on_the_page(secret, bob):
    client = Client()
    client.force_login(bob)
    response = client.post(
        "/collections/secret-collection/share/", {"kind": "group", "name": "Nobody"}, follow=True
    )
    assert "There is no group Nobody." in response.content.decode()


def test_others_see_no_sharing_form_and_cannot_post_one(secret, bob, charlie):
    collection_share(collection=secret, by=bob, username="charlie")
    client = Client()
    client.force_login(charlie)
    page = client.get("/collections/secret-collection/")
    assert page.status_code == 200 and "Who has access" not in page.content.decode()
    response = client.post("/collections/secret-collection/share/", {"kind": "user", "name": "x"})
    assert response.status_code == 404
    assert CollectionShare.objects.count() == 1


def test_the_collection_page_with_the_access_list_is_a_constant_number_of_queries(
    secret, bob, charlie, django_assert_max_num_queries
):
    for name in ("one", "two", "three"):
        Group.objects.create(name=name)
        collection_share(collection=secret, by=bob, group_name=name)
    client = Client()
    client.force_login(bob)
    with django_assert_max_num_queries(8):
        assert client.get("/collections/secret-collection/").status_code == 200


def test_ending_a_share_ends_access_at_once_on_every_surface(
    portal_server, demo, charlie, make_token
):
    """Tiles, data files and the STAC API, right after each served the sharee."""
    from catalog_portal.catalog.models import Collection

    lookups_clear()
    osttirol = Collection.objects.get(stac_id=OSTTIROL)
    share = CollectionShare.objects.create(collection=osttirol, user=charlie)
    stac = next(c for c in demo if c.stac["id"] == OSTTIROL).items[0]
    urls = [
        f"{portal_server}/tiles/collections/{OSTTIROL}/items/{stac['id']}/info",
        f"{portal_server}{next(iter(stac['assets'].values()))['href']}",
        f"{portal_server}/api/v1/collections/{OSTTIROL}/items/{stac['id']}",
        f"{portal_server}/collections/{OSTTIROL}/items/{stac['id']}/",
    ]
    token, cookies = bearer(make_token(charlie)), session_cookie(charlie)
    for url in urls:
        assert requests.get(url, headers=token, timeout=30).status_code == 200, url
        assert requests.get(url, cookies=cookies, timeout=30).status_code == 200, url
    # Expiring is the same as ending: the share stops counting the moment it expires.
    CollectionShare.objects.filter(pk=share.pk).update(expires=timezone.now())
    for url in urls:
        assert requests.get(url, headers=token, timeout=30).status_code == 404, url
        assert requests.get(url, cookies=cookies, timeout=30).status_code == 404, url


def test_only_the_owner_and_administrators_end_a_share(secret, bob, charlie):
    share = collection_share(collection=secret, by=bob, username="charlie")
    with pytest.raises(PermissionDenied):
        collection_unshare(collection=secret, by=charlie, share_id=share.pk)
    assert collection_unshare(collection=secret, by=bob, share_id=share.pk)
    assert not collection_unshare(collection=secret, by=bob, share_id=share.pk)


# --- refusing shares that add nothing, keeping what was typed, and finding names -----------


def test_a_group_that_already_has_access_is_not_shared_again(secret, bob, granted_group):
    secret.groups.add(granted_group)  # a standing grant by an administrator
    with pytest.raises(ShareInvalid, match="The group Land Kärnten already has access"):
        collection_share(collection=secret, by=bob, group_name="Land Kärnten")
    assert not CollectionShare.objects.exists()


def test_the_owner_is_not_shared_with(secret, bob):
    with pytest.raises(ShareInvalid, match="bob owns this collection"):
        collection_share(collection=secret, by=bob, username="bob")
    assert not CollectionShare.objects.exists()


@pytest.mark.parametrize("target", [{"username": "charlie"}, {"group_name": "Elsewhere"}])
def test_the_same_share_twice_is_refused(secret, bob, charlie, target):
    collection_share(collection=secret, by=bob, **target)
    with pytest.raises(ShareInvalid, match="already has access"):
        collection_share(collection=secret, by=bob, **target)
    assert CollectionShare.objects.count() == 1


def owner_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_refused_share_keeps_the_typed_name_and_marks_the_field(secret, bob):
    response = owner_client(bob).post(
        "/collections/secret-collection/share/",
        {"kind": "group", "name": "Nobody", "until": "2099-12-31"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    field = re.search(r'<input type="text" name="name"[^>]*>', page).group(0)
    assert 'value="Nobody"' in field and 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    error = re.search(rf'id="{described_by}"[^>]*>(.*?)</', page, re.S).group(1)
    assert "There is no group Nobody." in error
    assert re.search(r'<input type="radio" name="kind" value="group"[^>]*checked', page)
    assert 'value="2099-12-31"' in page  # the date is kept too


def test_a_share_with_a_group_that_has_access_is_refused_on_the_page(secret, bob, granted_group):
    secret.groups.add(granted_group)
    response = owner_client(bob).post(
        "/collections/secret-collection/share/", {"kind": "group", "name": "Land Kärnten"}
    )
    assert response.status_code == 400
    assert "The group Land Kärnten already has access" in response.content.decode()
    assert not CollectionShare.objects.exists()


def test_the_help_text_of_the_date_is_what_the_date_field_is_described_by(secret, bob):
    page = owner_client(bob).get("/collections/secret-collection/").content.decode()
    field = re.search(r'<input type="date" name="until"[^>]*>', page).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    assert f'id="{described_by}"' in page


NAMES = "/collections/secret-collection/share/names/"


def test_the_owner_looks_up_users_and_groups_by_the_start_of_their_name(secret, bob, charlie):
    client = owner_client(bob)
    assert client.get(NAMES, {"kind": "user", "q": "CH"}).json() == {"names": ["charlie"]}
    assert client.get(NAMES, {"kind": "group", "q": "el"}).json() == {"names": ["Elsewhere"]}
    # Those who have access already are not offered: the owner, and whom it is shared with.
    assert client.get(NAMES, {"kind": "user", "q": "bo"}).json() == {"names": []}
    collection_share(collection=secret, by=bob, username="charlie")
    assert client.get(NAMES, {"kind": "user", "q": "ch"}).json() == {"names": []}


def test_the_lookup_answers_at_most_ten_names_in_a_constant_number_of_queries(
    secret, bob, django_assert_max_num_queries
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.bulk_create(
        get_user_model()(username=f"user{number:02}") for number in range(30)
    )
    client = owner_client(bob)
    with django_assert_max_num_queries(6):
        names = client.get(NAMES, {"kind": "user", "q": "user"}).json()["names"]
    assert names == [f"user{number:02}" for number in range(10)]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"kind": "user", "q": "c"}, "q"),
        ({"kind": "user", "q": "c" * 151}, "q"),
        ({"kind": "robot", "q": "ch"}, "kind"),
        ({"kind": "user"}, "q"),
    ],
)
def test_a_bad_lookup_is_answered_400_with_a_message(secret, bob, query, message):
    response = owner_client(bob).get(NAMES, query)
    assert response.status_code == 400 and message in response.json()["description"]


def test_only_the_owner_and_administrators_look_up_names(secret, alice, charlie):
    assert owner_client(charlie).get(NAMES, {"kind": "user", "q": "ch"}).status_code == 404
    assert Client().get(NAMES, {"kind": "user", "q": "ch"}).status_code == 302  # to log in
    assert owner_client(alice).get(NAMES, {"kind": "user", "q": "ch"}).json() == {
        "names": ["charlie"]
    }
