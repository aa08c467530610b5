"""Shared fixtures: the cast of users, catalogue builders from real STAC JSON, a real HTTP
server running the portal's ASGI app, and a real Chromium.

The suite runs once per database: ``DATABASE_URL`` picks SQLite (default) or PostgreSQL.
Where a test needs something the machine lacks (a PostgreSQL server, Chromium), it is skipped
with a message naming what to install, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from catalog_portal.catalog.ingest import collection_upsert, items_upsert
from catalog_portal.catalog.models import Collection, Item
from tests.database_snapshot import ChangeLog, DatabaseSnapshot

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# PostgreSQL's own machinery (its query plans, its indexes and their statistics) has no
# counterpart on SQLite: those tests live in test_postgresql_*.py, and only the PostgreSQL run
# of `make test` collects them (rather than the SQLite run reporting them as skipped).
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    collect_ignore_glob = ["test_postgresql_*.py"]


def missing(what: str, hint: str) -> None:
    """Skip (on a developer's machine) or fail (in CI) a test that needs ``what``."""
    message = f"needs {what}: {hint}"
    if IN_CI:
        pytest.fail(f"CI must run every test, but this one {message}")
    pytest.skip(message)


def read_json(name: str) -> dict:
    return json.loads((DATA / name).read_text())


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in German (LocaleMiddleware)
    leaves German active in the thread, which would leak into the next test."""
    from django.utils import translation

    yield
    translation.deactivate()


# --- the cast -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Passwords hashed with MD5 for the test session, as Django's testing docs advise: the
    production hasher (PBKDF2, a million rounds) costs a third of a second per user made and
    per sign-in, by design; no test is about its cost. The others stay listed, so a hash made
    with them still verifies."""
    from django.conf import settings
    from django.test.utils import override_settings

    fast = "django.contrib.auth.hashers.MD5PasswordHasher"
    with override_settings(PASSWORD_HASHERS=[fast, *settings.PASSWORD_HASHERS]):
        yield


@pytest.fixture
def granted_group(db) -> Group:
    return Group.objects.create(name="Land Kärnten")


@pytest.fixture
def alice(db) -> User:
    """An administrator: sees everything."""
    return User.objects.create_superuser("alice", "alice@example.org", "alice-password")


@pytest.fixture
def bob(db, granted_group) -> User:
    """A member of the group that restricted test collections are granted to."""
    user = User.objects.create_user("bob", "bob@example.org", "bob-password")
    user.groups.add(granted_group)
    return user


@pytest.fixture
def charlie(db) -> User:
    """A signed-in outsider: in a group, but not one with access."""
    user = User.objects.create_user("charlie", "charlie@example.org", "charlie-password")
    user.groups.add(Group.objects.create(name="Elsewhere"))
    return user


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def demo_user(demo) -> User:
    """The demo catalogue's user: a member of the group its restricted collection is granted to."""
    from catalog_portal.demo.loader import DEMO_USER

    return User.objects.get(username=DEMO_USER)


def session_cookie(user: User) -> dict[str, str]:
    """A logged-in session of ``user``, as the cookies a browser would send."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def admin_change_form(client, url: str) -> dict:
    """What the admin's change page at ``url`` sends when saved unchanged: its fields' values
    and the management forms of its inlines (without them Django refuses the post)."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
    return data


def bearer(secret: str) -> dict[str, str]:
    """The header that presents an API token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_token(db) -> Callable[..., str]:
    """Create an API token for a user; returns its secret."""
    from catalog_portal.accounts.tokens import api_token_create

    def make(user: User, name: str = "test token") -> str:
        return api_token_create(user=user, name=name)[1]

    return make


# --- the catalogue, from real STAC JSON -----------------------------------------------------


@pytest.fixture
def make_collection(db) -> Callable[..., Collection]:
    """Build a collection from tests/data/stac/collection.json under a new id."""

    def make(
        stac_id: str = "test-collection", *, groups: tuple[Group, ...] = (), **curation
    ) -> Collection:
        stac = read_json("stac/collection.json")
        stac["id"] = stac_id
        collection, _ = collection_upsert(stac=stac, curation=curation or None)
        collection.groups.set(groups)
        return collection

    return make


@pytest.fixture
def make_item(db) -> Callable[..., Item]:
    """Build an item from tests/data/stac/item.json with a given id, footprint and datetime;
    ``properties`` are set and the names in ``without`` removed."""

    def make(
        collection: Collection,
        stac_id: str,
        *,
        geometry: dict | None = None,
        datetime: str = "2021-09-14T10:00:00Z",
        without: tuple[str, ...] = (),
        **properties,
    ) -> Item:
        stac = copy.deepcopy(read_json("stac/item.json"))
        stac["id"] = stac_id
        stac["collection"] = collection.stac_id
        if geometry is not None:
            stac["geometry"] = geometry
            stac.pop("bbox", None)
        stac["properties"].update(datetime=datetime, **properties)
        for name in without:
            del stac["properties"][name]
        report = items_upsert(collection=collection, stacs=[stac])
        assert not report.invalid, report.invalid
        return Item.objects.get(collection=collection, stac_id=stac_id)

    return make


# --- the demo catalogue: real COGs, generated and stored once per test session -------------
#
# The demo is generated once and stored, committed, in the test database right after it is
# created, with DATA_ROOT pointing at its files for the whole session. Two snapshots of every
# Django table are taken then (tests/database_snapshot.py): the database as migrated, and with
# the demo. Each test that uses the database starts from one of them: with the demo if it asks
# for ``demo``, else as migrated, as each test had before the demo was stored once per session.
#
# Triggers note every table written, by the test, the shared server or a child process.
# Before each test, the tables written since the database last held a snapshot are put back
# from it, committed. Then, if the test wants the other snapshot, the tables that differ
# between the two are restored: inside a rolled-back test's transaction (rolled back with it),
# committed for a transactional test. After a transactional test, the tables it wrote are put
# back, committed, where pytest-django would flush every table (`restore_instead_of_flush`).
# pytest-django runs the rolled-back tests first, while the committed database holds the
# demo; the transactional ones last.


class SessionDatabase:
    """The snapshots of the test database taken once per session, the log of tables written,
    and the snapshot the committed database holds but for the tables in the log (None after a
    real flush)."""

    def __init__(self, *, as_migrated: DatabaseSnapshot, with_demo: DatabaseSnapshot) -> None:
        self.as_migrated, self.with_demo = as_migrated, with_demo
        self.committed: DatabaseSnapshot | None = with_demo
        self.demo_tables = set(with_demo.tables_differing_from(as_migrated))
        self.changes = ChangeLog("test_snapshot_changes")
        self.changes.install()

    def make_hold(self, wanted: DatabaseSnapshot) -> None:
        """Make the database hold ``wanted``: restore the tables written since it last held
        a snapshot, and the demo's if that was the other one; in the caller's transaction if
        there is one."""
        from django.db import transaction

        with transaction.atomic():
            tables = self.changes.changed()
            if self.committed is None:
                tables = set(wanted.tables)
            elif self.committed is not wanted:
                tables |= self.demo_tables
            if tables:
                wanted.restore(tables=sorted(tables))
                self.changes.clear()


# Under "now" once the test database is made (django_db_setup).
SESSION_DATABASE: dict[str, SessionDatabase] = {}


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """The demo generated once per test session: (DATA_ROOT, generated collections)."""
    from catalog_portal.demo.loader import demo_catalog_generate

    data_root = tmp_path_factory.mktemp("demo-data")
    return data_root, demo_catalog_generate(data_root=data_root, progress=lambda _: None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, demo_files, request) -> Iterator[None]:
    """pytest-django's test database, then the demo stored in it once, committed, so that
    the shared server and every test see it; DATA_ROOT is the demo's files all along. The
    database is snapshot as migrated and with the demo (see `SessionDatabase`).

    The demo user's password is hashed with the production hasher, before the fast one is
    switched on: portals started as child processes (with the production settings) must
    let the demo user sign in."""
    from django.db import connection
    from django.test.utils import override_settings

    from catalog_portal.demo.loader import demo_catalog_store

    data_root, generated = demo_files
    data_root_setting = override_settings(DATA_ROOT=data_root)
    data_root_setting.enable()
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            # The shared server writes (sessions, registered searches) while a test holds a
            # read transaction open; with SQLite's default journal that reader blocks the
            # writer until the test ends. Write-ahead logging lets both go on.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        as_migrated = DatabaseSnapshot("test_snapshot_as_migrated")
        as_migrated.take()
        demo_catalog_store(collections=copy.deepcopy(generated))
        with_demo = DatabaseSnapshot("test_snapshot_with_demo")
        with_demo.take()
        SESSION_DATABASE["now"] = SessionDatabase(as_migrated=as_migrated, with_demo=with_demo)
    request.getfixturevalue("fast_password_hashing")
    yield
    data_root_setting.disable()


def database_use(request) -> str | None:
    """How a test uses the database: "transactional", "rolled back" or None."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or (marker and marker.kwargs.get("transaction")):
        return "transactional"
    if "db" in names or marker:
        return "rolled back"
    return None


@pytest.fixture(scope="session")
def restore_instead_of_flush(django_db_setup) -> Iterator[None]:
    """After a transactional test, the tables it wrote are restored to the snapshot it started
    from, instead of pytest-django's flush of every table (Django's TransactionTestCase does
    the flush; on PostgreSQL it alone takes half a second) and the next test's restore of
    every table. A test that asks Django for more (sequences reset, serialized rollback, a
    subset of apps) gets the flush."""
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def restore(test_case: TransactionTestCase) -> None:
        database = SESSION_DATABASE["now"]
        plain = not (
            test_case.reset_sequences
            or test_case.serialized_rollback
            or test_case.available_apps is not None
        )
        if plain and database.committed is not None:
            database.make_hold(database.committed)
        else:
            flush(test_case)
            database.committed = None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", restore)
        yield


@pytest.fixture(autouse=True)
def catalogue_of_the_test(request, django_db_blocker) -> Iterator[None]:
    """The database with the demo for tests that ask for it, else as migrated (see
    `SessionDatabase`)."""
    use = database_use(request)
    if use is None:
        yield
        return
    request.getfixturevalue("restore_instead_of_flush")
    database = SESSION_DATABASE["now"]
    if database.committed is not None:
        # What the shared server committed during a rolled-back test (sessions, registered
        # searches) is put back first, and committed: put back inside the next rolled-back
        # test's transaction, it would hold SQLite's write lock and keep the server from
        # writing until that test ends.
        with django_db_blocker.unblock():
            database.make_hold(database.committed)
    # Asked for here, the test's database fixture is surely set up before what follows: a
    # rolled-back test's changes below are inside its transaction; a transactional test's
    # are committed.
    request.getfixturevalue("transactional_db" if use == "transactional" else "db")
    wanted = database.with_demo if "demo" in request.fixturenames else database.as_migrated
    database.make_hold(wanted)
    if use == "transactional":
        database.committed = wanted
    yield


@pytest.fixture
def demo(db, demo_files):
    """The demo catalogue in the test database, its files at DATA_ROOT; returns what was
    generated (collections with their items)."""
    return demo_files[1]


# --- real servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def portal_url(django_db_setup) -> Iterator[str]:
    """The portal's ASGI app under one real uvicorn server in a thread for the whole session;
    yields its base URL. Its own database connections see only committed data: the demo, and
    what a transactional test writes. (It stops before the test database is dropped.)"""
    import uvicorn

    from catalog_portal.asgi import application

    port = free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the portal's test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def portal_server(transactional_db, portal_url) -> str:
    """The shared server, for a test that writes what the server must see (users, sessions,
    tokens, shares, collections): its writes are committed (``transactional_db``) and the
    tables it wrote put back after it (`restore_instead_of_flush`)."""
    return portal_url


@pytest.fixture
def demo_server(demo, portal_url) -> str:
    """The shared server, for a test that only reads the demo over HTTP: the test runs in a
    transaction rolled back after it, and nothing is flushed or stored again."""
    return portal_url


@pytest.fixture(scope="session")
def object_store():
    """A real S3-protocol server (moto, in a child process) on 127.0.0.1 for the session:
    ``object_store.endpoint``, ``.bucket_create``, ``.upload`` and ``.source`` (see
    tests/object_store.py)."""
    from tests.object_store import MotoServer

    with MotoServer() as store:
        yield store


@pytest.fixture(scope="session")
def s3_demo(object_store, demo_files):
    """The demo's files uploaded once to the S3 server, as ``load_demo --storage`` does;
    ``s3_demo.store(collection id, ...)`` catalogues collections by their ``s3://`` hrefs
    (see tests/s3_demo.py)."""
    from tests.s3_demo import demo_upload

    data_root, generated = demo_files
    return demo_upload(object_store, data_root=data_root, generated=generated)


@pytest.fixture
def s3_demo_server(portal_server, s3_demo, settings, tmp_path) -> str:
    """The shared server reading the demo's object store (ASSET_SOURCES) and an empty data
    folder: whatever it draws of collections stored by ``s3_demo.store`` came from S3."""
    settings.ASSET_SOURCES = (s3_demo.source,)
    settings.DATA_ROOT = tmp_path / "empty-data-root"
    settings.DATA_ROOT.mkdir()
    return portal_server


@pytest.fixture(scope="session")
def http_files(tmp_path_factory):
    """A Range-capable HTTP file server on 127.0.0.1 for the session, serving
    ``http_files.root`` (a fresh folder); counts requests per path."""
    from tests.object_store import RangeFileServer

    with RangeFileServer(tmp_path_factory.mktemp("http-files")) as server:
        yield server


@pytest.fixture
def ssrf_canary():
    """A listener no asset read may reach: hrefs outside the allow-list and redirects from
    allowed hosts name it; ``ssrf_canary.request_count`` must stay 0."""
    from tests.object_store import RangeFileServer

    with RangeFileServer() as canary:
        yield canary


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        missing("Chromium", "apt-get install chromium (or set CHROMIUM to its path)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django would otherwise
    # take for an async context and refuse database access from the test body.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                # WebGL for the MapLibre maps, rendered in software (no GPU here).
                "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
            ],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser):
    """A fresh browser tab (its own cookies); screenshots go to tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    # Tests never leave the machine: the basemap's tile server (and anything else outside) is
    # refused at once, as when it is unreachable; the maps must work without it.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    tab = context.new_page()
    yield tab
    context.close()
