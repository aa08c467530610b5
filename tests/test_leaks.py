"""Restricted data stays invisible: a crawl of every page, API document, tile, snippet and file
the portal links to, plus direct hits on known restricted ids, searches and counts, as anonymous,
as a signed-in outsider and as a granted user (each by session cookie and by API token).

The restricted demo collection (Osttirol orthophotos) may show up, by id, title, item ids,
counts or file bytes, only for the granted user; for them it must show up (so the crawl
demonstrably reaches it).
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from catalog_portal.catalog.assets import asset_path
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.remote_assets import remote_data_href
from catalog_portal.tiles.catalog_cache import catalog_cache_clear as lookups_clear
from tests.conftest import bearer, session_cookie
from tests.object_store import item_files_to_store

RESTRICTED = "dop-kaernten-osttirol"
CRAWL_LIMIT = 260  # URLs per visitor: every kind of page, document, tile and file, not all items
LINK = re.compile(r'(?:href|src|data-tilejson|action)="([^"#]+)"')
SKIP = re.compile(r"^/(static|admin|i18n)/|^/accounts/(logout|password)|[{}]|/docs/?$")


@dataclass
class Visit:
    """What one visitor saw."""

    texts: dict[str, str] = field(default_factory=dict)  # url -> text of text responses
    statuses: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)  # url -> bytes of binary ones

    def mentions(self, marks: list[str]) -> dict[str, str]:
        """url -> the first mark its text contains (case-insensitive)."""
        found = {}
        for url, text in self.texts.items():
            lowered = text.casefold()
            for mark in marks:
                if mark.casefold() in lowered:
                    found[url] = mark
                    break
        return found


def links_of(url: str, response: requests.Response) -> list[str]:
    kind = response.headers.get("Content-Type", "")
    if "html" in kind:
        return [urljoin(url, link.replace("&amp;", "&")) for link in LINK.findall(response.text)]
    if "json" in kind:
        found: list[str] = []

        def walk(value) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    if key == "href" and isinstance(inner, str):
                        found.append(inner)
                    else:
                        walk(inner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner)

        if "ndjson" in kind:  # a download of search results: one STAC item per line
            for line in response.text.splitlines():
                walk(json.loads(line))
        else:
            walk(response.json())
        return [urljoin(url, link) for link in found]
    return []


def fetch(session: requests.Session, url: str) -> requests.Response:
    # Files are read in part: enough to compare bytes, without pulling whole rasters.
    headers = {"Range": "bytes=0-65535"} if "/data/" in url else {}
    return session.get(url, headers=headers, timeout=60, allow_redirects=False)


def record(visit: Visit, url: str, response: requests.Response) -> None:
    visit.statuses[url] = response.status_code
    kind = response.headers.get("Content-Type", "")
    if kind.startswith(("text/", "application/json", "application/geo+json", "application/schema")):
        visit.texts[url] = response.text
    else:
        visit.bodies[url] = response.content


def crawl(session: requests.Session, base: str, starts: list[str]) -> Visit:
    visit = Visit()
    queue = deque(base + start for start in starts)
    seen = set(queue)
    while queue and len(visit.statuses) < CRAWL_LIMIT:
        url = queue.popleft()
        response = fetch(session, url)
        record(visit, url, response)
        if response.status_code in (301, 302):
            links = [urljoin(url, response.headers["Location"])]
        elif response.status_code == 200:
            links = links_of(url, response)
        else:
            links = []
        for link in links:
            parts = urlsplit(link)
            if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(parts.path):
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visit


@pytest.fixture(params=["local", "s3"])
def restricted(request, demo):
    """Marks of the restricted collection: its id, title and item ids, a file and its bytes.

    "s3": the collection's files (but the first item's, whose tiles are asked for directly)
    live in a bucket of a real S3 server, an allowed source; its name and the store's address
    are marks too, which nobody may see (the API publishes portal URLs), and the file asked for
    directly is one of those."""
    collection = Collection.objects.get(stac_id=RESTRICTED)
    items = list(Item.objects.filter(collection=collection).order_by("stac_id"))
    first = items[0]
    href = next(iter(first.assets.values()))["href"]
    content = asset_path(href).read_bytes()
    hidden = []
    if request.param == "s3":
        store = request.getfixturevalue("object_store")
        bucket = "leak-test-restricted"
        store.bucket_create(bucket)
        request.getfixturevalue("settings").ASSET_SOURCES = (store.source(bucket),)
        content = asset_path(next(iter(items[1].assets.values()))["href"]).read_bytes()
        for item in items[1:]:
            item_files_to_store(item, upload=lambda path, name: store.upload(bucket, name, path))
        href = remote_data_href(next(iter(items[1].assets.values()))["href"])
        hidden = [f"s3://{bucket}", store.endpoint.removeprefix("http://")]
    return {
        "collection": collection,
        "marks": [RESTRICTED, "Osttirol", *(item.stac_id for item in items)],
        "hidden": hidden,
        "item": first,
        "href": href,
        "chunk": content[20_000:20_064],  # well inside the file: pixels, not a TIFF header
        "bbox": [
            min(i.bbox_xmin for i in items),
            min(i.bbox_ymin for i in items),
            max(i.bbox_xmax for i in items),
            max(i.bbox_ymax for i in items),
        ],
    }


def direct_hits(base: str, restricted: dict) -> list[str]:
    """URLs that name restricted things outright: what a guesser would try."""
    item = restricted["item"].stac_id
    west, south, east, north = restricted["bbox"]
    bbox = f"{west},{south},{east},{north}"
    tiles = f"{base}/tiles/collections/{RESTRICTED}/items/{item}"
    return [
        f"{base}/collections/{RESTRICTED}/",
        f"{base}/collections/{RESTRICTED}/items/{item}/",
        f"{base}/explore/?collection={RESTRICTED}",
        f"{base}/explore/?bbox={bbox}",
        f"{base}/catalog/?q=Osttirol",
        f"{base}/api/v1/collections/{RESTRICTED}",
        f"{base}/api/v1/collections/{RESTRICTED}/items",
        f"{base}/api/v1/collections/{RESTRICTED}/items/{item}",
        f"{base}/api/v1/collections/{RESTRICTED}/queryables",
        f"{base}/api/v1/search?collections={RESTRICTED}",
        f"{base}/api/v1/search?ids={item}",
        f"{base}/api/v1/search?bbox={bbox}&limit=100",
        f"{base}/api/v1/search?filter=collection%3D%27{RESTRICTED}%27&limit=100",
        f"{base}/api/v1/sign?href={restricted['href']}",
        f"{base}/snippets/collections/{RESTRICTED}/?lang=python&format=text",
        f"{base}/snippets/collections/{RESTRICTED}/items/{item}/",
        f"{base}/snippets/search/?collection={RESTRICTED}&lang=curl",
        f"{tiles}/info",
        f"{tiles}/WebMercatorQuad/tilejson.json",
        f"{tiles}/preview.png",
        f"{tiles}/statistics",
        f"{base}{restricted['href']}",
    ]


def unknown_twin(url: str, restricted: dict) -> str:
    """The same URL naming things that do not exist."""
    twin = url.replace(RESTRICTED, "dop-kaernten-nowhere").replace("Osttirol", "Nowhere")
    return twin.replace(restricted["item"].stac_id, "0000-00")


def visit_as(base: str, restricted: dict, **auth) -> tuple[Visit, Visit, Visit]:
    """(crawl, direct hits, hits on unknown twins) of one visitor; ``auth``: cookies= or
    headers= for requests."""
    lookups_clear()
    session = requests.Session()
    session.cookies.update(auth.get("cookies", {}))
    session.headers.update(auth.get("headers", {}))
    crawled = crawl(session, base, ["/", "/catalog/", "/explore/", "/api/v1/", "/gallery/"])
    hits, twins = Visit(), Visit()
    for url in direct_hits(base, restricted):
        record(hits, url, fetch(session, url))
        record(twins, url, fetch(session, unknown_twin(url, restricted)))
    # A mosaic of the restricted collection: registering it as someone who may not see it
    # gives no search they can draw. (Labelled with its body, which names the collection.)
    label = f"{base}/tiles/searches/register?collections={RESTRICTED}"
    for visit, collection in ((hits, RESTRICTED), (twins, unknown_twin(RESTRICTED, restricted))):
        registered = session.post(
            f"{base}/tiles/searches/register", json={"collections": [collection]}, timeout=30
        )
        record(visit, label, registered)
    return crawled, hits, twins


def told_more_than_asked(hits: Visit, twins: Visit, restricted: dict) -> dict[str, str]:
    """Direct hits whose answer differs from an unknown twin's, or names restricted things
    that the URL did not (a 404 may repeat the id it was asked for)."""
    told = {}
    for url, status in hits.statuses.items():
        if url in twins.statuses and twins.statuses[url] != status:
            told[url] = f"status {status}, an unknown twin gets {twins.statuses[url]}"
            continue
        text = hits.texts.get(url, "").casefold()
        for mark in restricted["marks"]:
            text = text.replace(mark.casefold(), "") if mark in url else text
        leaked = [mark for mark in restricted["marks"] if mark.casefold() in text]
        if leaked:
            told[url] = f"names {leaked[0]}"
    return told


def explore_count(base: str, restricted: dict, **auth) -> str:
    """The explore page's "Showing N items" line for the restricted collection's area."""
    west, south, east, north = restricted["bbox"]
    page = requests.get(
        f"{base}/explore/", params={"bbox": f"{west},{south},{east},{north}"}, timeout=30, **auth
    ).text
    return re.search(r"Showing [^<]*items? that matched your filter", page).group(0)


@pytest.fixture
def visitors(demo_user, charlie, make_token):
    return {
        "anonymous": {},
        "outsider (session)": {"cookies": session_cookie(charlie)},
        "outsider (token)": {"headers": bearer(make_token(charlie))},
        "granted (session)": {"cookies": session_cookie(demo_user)},
        "granted (token)": {"headers": bearer(make_token(demo_user))},
    }


def test_restricted_data_shows_only_to_the_granted(portal_server, restricted, visitors):
    marks = restricted["marks"]
    counts = {}
    for who, auth in visitors.items():
        crawled, hits, twins = visit_as(portal_server, restricted, **auth)
        counts[who] = explore_count(portal_server, restricted, **auth)
        assert not [u for u, s in {**crawled.statuses, **hits.statuses}.items() if s >= 500], who
        # Where the restricted files live is nobody's business, not even the granted's.
        assert crawled.mentions(restricted["hidden"]) == hits.mentions(restricted["hidden"]) == {}
        leaked_bytes = [
            url
            for visit in (crawled, hits)
            for url, body in visit.bodies.items()
            if restricted["chunk"] in body
        ]
        if who.startswith("granted"):
            assert crawled.mentions(marks), f"{who}: the crawl never reached the collection"
            refused = {
                url: hits.statuses[url]
                for url in direct_hits(portal_server, restricted)
                if hits.statuses[url] not in (200, 206)  # files are read with a Range
            }
            assert refused == {}, who
            assert leaked_bytes, f"{who}: the restricted file was not readable"
        else:
            assert crawled.mentions(marks) == {}, who
            assert told_more_than_asked(hits, twins, restricted) == {}, who
            assert leaked_bytes == [], who
            tiles_and_files = [u for u in hits.statuses if "/tiles/" in u or "/data/" in u]
            assert all(hits.statuses[u] in (400, 404) for u in tiles_and_files), (
                who,
                hits.statuses,
            )
        reached = {
            kind
            for url, status in crawled.statuses.items()
            for kind in (
                "/api/v1/",
                "/tiles/",
                "/data/",
                "/collections/",
                "/explore/",
                "/snippets/",
            )
            if kind in url and status in (200, 206)
        }
        assert len(reached) == 6, f"{who}: the crawl reached only {reached}"
    public = counts["anonymous"]
    assert counts["outsider (session)"] == counts["outsider (token)"] == public
    assert counts["granted (session)"] == counts["granted (token)"] != public


def test_a_registered_restricted_search_exists_only_for_the_granted(portal_server, demo, demo_user):
    granted = requests.post(
        f"{portal_server}/tiles/searches/register",
        json={"collections": [RESTRICTED]},
        cookies=session_cookie(demo_user),
        timeout=30,
    )
    assert granted.status_code == 200
    tilejson = (
        f"{portal_server}/tiles/searches/{granted.json()['id']}/WebMercatorQuad/tilejson.json"
    )
    lookups_clear()
    assert requests.get(tilejson, timeout=30).status_code == 404
    assert requests.get(tilejson, cookies=session_cookie(demo_user), timeout=30).status_code == 200


def test_the_catalogue_counts_only_what_the_visitor_may_see(portal_server, demo, demo_user):
    def orthofotos_chip(**auth) -> str:
        page = requests.get(f"{portal_server}/catalog/", timeout=30, **auth).text
        return re.search(r"Orthofotos <span class=\"count\">(\d+)<", page).group(1)

    assert orthofotos_chip() == "2"
    assert orthofotos_chip(cookies=session_cookie(demo_user)) == "3"


def test_crawled_json_is_json(demo_server, demo):
    """The crawl's link finder reads the API's documents as JSON (a guard for the guard)."""
    landing = requests.get(f"{demo_server}/api/v1/", timeout=30)
    assert links_of(f"{demo_server}/api/v1/", landing)
    json.loads(landing.text)
