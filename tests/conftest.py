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

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


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
# created, with DATA_ROOT pointing at its files for the whole session. A test that asks for
# ``demo`` reads it at no cost; a test that does not sees the database as before the demo
# existed: `catalogue_of_the_test` removes the demo inside the test's transaction, which is
# rolled back after it. pytest-django runs those tests first, then the transactional ones,
# whose flush at the end empties every table: before each of those, the demo is stored again
# (committed) if the test asks for it, or removed if it does not.

# Whether the demo is committed in the test database now (see `catalogue_of_the_test`).
DEMO_COMMITTED = {"now": False}


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """The demo generated once per test session: (DATA_ROOT, generated collections)."""
    from catalog_portal.demo.loader import demo_catalog_generate

    data_root = tmp_path_factory.mktemp("demo-data")
    return data_root, demo_catalog_generate(data_root=data_root, progress=lambda _: None)


def demo_database_store(*, generated: list) -> None:
    from catalog_portal.demo.loader import demo_catalog_store

    demo_catalog_store(collections=copy.deepcopy(generated))


def demo_database_remove() -> None:
    """Remove what storing the demo made: its collections (items and files cascade), the demo
    user and the demo group."""
    from catalog_portal.demo.loader import DEMO_GROUP, DEMO_USER

    Collection.objects.all().delete()
    User.objects.filter(username=DEMO_USER).delete()
    Group.objects.filter(name=DEMO_GROUP).delete()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, demo_files) -> Iterator[None]:
    """pytest-django's test database, then the demo stored in it once, committed, so that
    the shared server and every test see it; DATA_ROOT is the demo's files all along."""
    from django.db import connection
    from django.test.utils import override_settings

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
        demo_database_store(generated=generated)
    DEMO_COMMITTED["now"] = True
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


@pytest.fixture(autouse=True)
def catalogue_of_the_test(request, django_db_blocker) -> Iterator[None]:
    """The demo for tests that ask for it, else no catalogue, as each test had before the
    demo was stored once per session."""
    use = database_use(request)
    if use is None:
        yield
        return
    # Asked for here, the test's database fixture is surely set up before what follows: a
    # rolled-back test's changes below are inside its transaction; a transactional test's
    # are committed.
    request.getfixturevalue("transactional_db" if use == "transactional" else "db")
    wanted = "demo" in request.fixturenames
    if wanted and not DEMO_COMMITTED["now"]:
        demo_database_store(generated=request.getfixturevalue("demo_files")[1])
    elif not wanted and DEMO_COMMITTED["now"]:
        demo_database_remove()
    if use == "transactional":
        DEMO_COMMITTED["now"] = wanted
    yield
    if use == "transactional":  # pytest-django flushes every table after the test
        DEMO_COMMITTED["now"] = False


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
    tokens, shares, collections): its writes are committed (``transactional_db``) and flushed
    after it; `catalogue_of_the_test` stores the demo again for the next test that asks."""
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
