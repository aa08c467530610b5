"""The suite's own machinery: snapshots of the test database put back with SQL, and the log of
tables written by any connection, which decide what each test starts from (conftest.py)."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Group, User
from django.db import connection

from catalog_portal.catalog.models import Collection, Item
from tests.conftest import SESSION_DATABASE
from tests.database_snapshot import DatabaseSnapshot


def rows() -> dict[str, list]:
    return {
        "users": list(User.objects.order_by("pk").values()),
        "groups": list(Group.objects.order_by("pk").values()),
        "memberships": list(User.groups.through.objects.order_by("pk").values()),
        "collections": list(Collection.objects.order_by("pk").values()),
        "items": list(Item.objects.order_by("pk").values()),
    }


def test_a_restore_brings_back_exactly_the_rows_of_the_snapshot(
    db, bob, charlie, make_collection, make_item
):
    collection = make_collection("kept")
    make_item(collection, "kept-item")
    snapshot = DatabaseSnapshot("test_snapshot_of_this_test")
    snapshot.take()  # inside the test's transaction: rolled back with it
    before = rows()

    User.objects.filter(pk=bob.pk).update(first_name="changed")
    charlie.delete()
    Collection.objects.all().delete()
    make_item(make_collection("new"), "new-item")
    assert rows() != before

    snapshot.restore()
    assert rows() == before


def test_a_restored_table_hands_out_new_ids_after_its_rows(db, bob):
    snapshot = DatabaseSnapshot("test_snapshot_of_this_test")
    snapshot.take()
    snapshot.restore()
    assert User.objects.create_user("dora").pk > bob.pk


def test_a_write_committed_by_another_connection_is_noted_and_undone(transactional_db):
    database = SESSION_DATABASE["now"]

    def write_elsewhere() -> None:  # a thread has its own connection, as the server has
        Group.objects.create(name="made elsewhere")
        connection.close()

    thread = threading.Thread(target=write_elsewhere)
    thread.start()
    thread.join()
    assert "auth_group" in database.changes.changed()

    database.make_hold(database.committed)
    assert not Group.objects.filter(name="made elsewhere").exists()
    assert database.changes.changed() == set()
