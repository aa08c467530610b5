"""import_stac reads untrusted STAC safely: files saved from live APIs offline, only links inside
the source, any shape a published catalogue comes in (pre-1.0, FeatureCollection, NDJSON), and
asset hrefs resolved against their document."""

import json
import shutil
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.core.management import CommandError

from catalog_portal.catalog.models import Collection, Item
from tests.conftest import DATA, read_json
from tests.local_server import JsonHandler, LocalServer
from tests.stac_api_server import StacApiServer
from tests.test_import_stac import api_catalogue, import_stac

CORPUS = DATA / "stac-corpus"


class Canary(LocalServer):
    """A listener that counts every request it gets (it should get none)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        canary = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                canary.requests.append(self.path)
                self.send_json(200, {**read_json("stac/item.json"), "collection": None})

            do_POST = do_GET  # a search's next page is often a POST

        return Handler


def write(path: Path, document: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def collection_doc(collection_id: str, links: list[dict]) -> dict:
    return {**read_json("stac/collection.json"), "id": collection_id, "links": links}


def item_doc(item_id: str, collection_id: str | None, **changes) -> dict:
    document = {**read_json("stac/item.json"), "id": item_id, **changes}
    if collection_id is None:
        document["collection"] = None
    else:
        document["collection"] = collection_id
    return document


def stored_ids() -> set[str]:
    return set(Item.objects.values_list("stac_id", flat=True))


# --- hostile links ----------------------------------------------------------------------------


def test_links_to_other_hosts_and_files_outside_the_source_are_never_followed(db, tmp_path):
    with Canary() as canary:
        source = tmp_path / "source"
        write(source / "inside.json", item_doc("inside", "hostile", links=[]))
        write(tmp_path / "outside.json", item_doc("outside", "hostile", links=[]))
        write(
            source / "collection.json",
            collection_doc(
                "hostile",
                [
                    {"rel": "root", "href": f"{canary.url}/root.json"},
                    {"rel": "self", "href": f"{canary.url}/self.json"},
                    {"rel": "parent", "href": f"{canary.url}/parent.json"},
                    {"rel": "item", "href": f"{canary.url}/item.json"},
                    {"rel": "child", "href": f"{canary.url}/child.json"},
                    {"rel": "item", "href": "file:///etc/hostname"},
                    {"rel": "item", "href": "../outside.json"},
                    {"rel": "item", "href": str(tmp_path / "outside.json")},
                    {"rel": "item", "href": "./inside.json"},
                ],
            ),
        )
        out, err = import_stac(source / "collection.json")
        assert canary.requests == []
    assert stored_ids() == {"inside"}
    assert f"{canary.url}/item.json" in err
    assert "file:///etc/hostname" in err
    assert "outside the source" in err
    assert "1 created" in out


def test_allow_host_widens_what_may_be_followed(db, tmp_path):
    with Canary() as canary:
        write(
            tmp_path / "collection.json",
            collection_doc("widened", [{"rel": "item", "href": f"{canary.url}/item.json"}]),
        )
        host = canary.url.removeprefix("http://")
        import_stac(tmp_path / "collection.json", "--allow-host", host)
        assert canary.requests == ["/item.json"]
    assert Item.objects.get().collection.stac_id == "widened"


class Redirector(LocalServer):
    """Answers every request with a redirect to ``target``."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        redirector = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                self.send_response(302)
                self.send_header("Location", redirector.target)
                self.end_headers()

        return Handler


def test_a_redirect_to_another_host_is_not_followed(db, tmp_path):
    with Canary() as canary, Redirector(f"{canary.url}/item.json") as redirector:
        write(
            tmp_path / "collection.json",
            collection_doc("redirected", [{"rel": "item", "href": f"{redirector.url}/item.json"}]),
        )
        host = redirector.url.removeprefix("http://")
        _, err = import_stac(tmp_path / "collection.json", "--allow-host", host)
        assert canary.requests == []
    assert not Item.objects.exists()
    assert f"{redirector.url}/item.json" in err


def test_an_unreadable_link_is_reported_and_the_rest_imported(db, tmp_path):
    write(tmp_path / "good.json", item_doc("good", "partial", links=[]))
    (tmp_path / "broken.json").write_text("{not json")
    write(
        tmp_path / "collection.json",
        collection_doc(
            "partial",
            [
                {"rel": "item", "href": "./missing.json"},
                {"rel": "item", "href": "./broken.json"},
                {"rel": "item", "href": "./good.json"},
            ],
        ),
    )
    out, err = import_stac(tmp_path / "collection.json")
    assert stored_ids() == {"good"}
    assert Collection.objects.get(stac_id="partial").item_count == 1
    assert "missing.json" in err
    assert "broken.json" in err


def test_a_document_over_the_size_limit_is_skipped(db, tmp_path):
    big = item_doc("big", "limited", links=[])
    big["properties"]["padding"] = "x" * 5000
    write(tmp_path / "big.json", big)
    write(tmp_path / "small.json", item_doc("small", "limited", links=[]))
    write(
        tmp_path / "collection.json",
        collection_doc(
            "limited",
            [{"rel": "item", "href": "./big.json"}, {"rel": "item", "href": "./small.json"}],
        ),
    )
    _, err = import_stac(tmp_path / "collection.json", "--max-document-bytes", "4000")
    assert stored_ids() == {"small"}
    assert "big.json" in err and "4000 bytes" in err


# --- STAC APIs (read through pystac-client) --------------------------------------------------


def test_an_api_whose_next_link_leads_to_another_host_keeps_the_pages_before_it(db):
    collections, items = api_catalogue(25)
    with (
        Canary() as canary,
        StacApiServer(collections, items, next_url=f"{canary.url}/search") as api,
    ):
        out, err = import_stac(api.url, "--collection", "api-s2")
        assert canary.requests == []
    assert stored_ids() == {f"api-item-{n:02d}" for n in range(10)}  # the first page
    assert f"{canary.url}/search" in err
    assert "outside the source" in err and "--allow-host" in err
    assert "10 created" in out


def test_an_api_response_over_the_size_limit_stops_paging_with_a_clear_report(db):
    collections, items = api_catalogue(20)
    for item in items[10:20]:  # the second page: ten items of 5 kB each
        item["properties"]["padding"] = "x" * 5000
    with StacApiServer(collections, items) as api:
        out, err = import_stac(api.url, "--collection", "api-s2", "--max-document-bytes", "20000")
    assert stored_ids() == {f"api-item-{n:02d}" for n in range(10)}
    assert "larger than 20000 bytes (--max-document-bytes)" in err
    assert "10 created" in out


def test_an_api_whose_collections_are_over_the_size_limit_is_refused(db):
    collections, items = api_catalogue(1)
    collections[0]["description"] = "x" * 5000
    with StacApiServer(collections, items) as api:
        with pytest.raises(CommandError, match="larger than 4000 bytes"):
            import_stac(api.url, "--max-document-bytes", "4000")
    assert not Collection.objects.exists()


# --- saved from APIs, old versions, other shapes ---------------------------------------------


def test_a_collection_saved_from_an_api_imports_offline(db):
    """Its root, self, parent and child links name the live API; none is fetched."""
    out, err = import_stac(CORPUS / "pystac-1.0.0-beta.2" / "landsat-collection.json")
    collection = Collection.objects.get(stac_id="landsat-8-l1")
    assert collection.stac["stac_version"].startswith("1.")
    assert "https://landsat-stac.s3.amazonaws.com/landsat-8-l1/paths/catalog.json" in err


def test_a_pre_1_0_item_saved_from_an_api_imports_into_its_collection(db):
    folder = CORPUS / "pystac-1.0.0-beta.2"
    import_stac(folder / "landsat-collection.json")
    import_stac(folder / "landsat8-sample.json")
    item = Item.objects.get()
    assert (item.stac_id, item.collection.stac_id) == ("LC81530252014153LGN00", "landsat-8-l1")
    assert item.stac["assets"]["B1"]["href"].startswith("https://landsat-pds.s3.amazonaws.com/")


def test_a_0_8_1_label_collection_migrates(db):
    out, _ = import_stac(CORPUS / "label-catalog-0.8.1" / "kam" / "collection.json")
    assert Collection.objects.get().stac_id == "kam"
    assert stored_ids() == {"4e7c7f", "4e7c7f-labels"}
    assert "2 created" in out


def test_a_feature_collection_imports_its_items(db, tmp_path):
    write(tmp_path / "collection.json", collection_doc("fc", []))
    import_stac(tmp_path / "collection.json")
    features = [item_doc(f"fc-{n}", "fc") for n in range(3)]
    write(tmp_path / "search.json", {"type": "FeatureCollection", "features": features})
    out, _ = import_stac(tmp_path / "search.json")
    assert stored_ids() == {"fc-0", "fc-1", "fc-2"}
    assert "3 created" in out


def test_newline_delimited_items_import(db, tmp_path):
    write(tmp_path / "collection.json", collection_doc("nd", []))
    import_stac(tmp_path / "collection.json")
    lines = [json.dumps(item_doc(f"nd-{n}", "nd")) for n in range(4)]
    (tmp_path / "items.ndjson").write_text("\n".join(lines) + "\n")
    out, _ = import_stac(tmp_path / "items.ndjson")
    assert stored_ids() == {"nd-0", "nd-1", "nd-2", "nd-3"}


def test_items_linked_straight_from_a_root_catalog_are_imported(db, tmp_path):
    write(tmp_path / "collection.json", collection_doc("rooted", []))
    import_stac(tmp_path / "collection.json")
    write(tmp_path / "a.json", item_doc("rooted-a", "rooted", links=[]))
    write(tmp_path / "b.json", item_doc("no-collection", None, links=[]))
    write(
        tmp_path / "catalog.json",
        {
            "type": "Catalog",
            "stac_version": "1.0.0",
            "id": "root",
            "description": "items right under the root",
            "links": [{"rel": "item", "href": "./a.json"}, {"rel": "item", "href": "./b.json"}],
        },
    )
    _, err = import_stac(tmp_path / "catalog.json")
    assert stored_ids() == {"rooted-a"}
    assert "no-collection" in err and "--collection" in err


# --- asset hrefs ----------------------------------------------------------------------------


def test_relative_hrefs_inside_data_root_become_data_hrefs(db, tmp_path, settings):
    settings.DATA_ROOT = tmp_path / "data"
    folder = settings.DATA_ROOT / "mine"
    shutil.copytree(DATA / "static_catalog", folder)
    import_stac(folder / "catalog.json")
    item = Item.objects.get(stac_id="S2A_33TVN_20210903_0_L2A")
    href = "/data/mine/static-s2/S2A_33TVN_20210903_0_L2A/B04.tif"
    assert item.stac["assets"]["B04"]["href"] == href
    assert list(item.files.values_list("path", flat=True)) == [href.removeprefix("/data/")]


def test_local_files_outside_data_root_are_refused_and_never_published(db, tmp_path, settings):
    settings.DATA_ROOT = tmp_path / "data"
    settings.DATA_ROOT.mkdir()
    document = item_doc("leaky", "assets", links=[])
    document["assets"] = {
        "local": {"href": "./cog.tif"},
        "absolute": {"href": "/etc/passwd"},
        "file-url": {"href": "file:///etc/passwd"},
        "remote": {"href": "https://example.org/cog.tif"},
    }
    write(
        tmp_path / "collection.json",
        collection_doc("assets", [{"rel": "item", "href": "./item.json"}]),
    )
    write(tmp_path / "item.json", document)
    _, err = import_stac(tmp_path / "collection.json")
    assets = Item.objects.get().stac["assets"]
    assert assets == {"remote": {"href": "https://example.org/cog.tif"}}
    for key in ("local", "absolute", "file-url"):
        assert f"asset {key} of item leaky" in err
    assert "outside DATA_ROOT" in err


def test_a_missing_source_is_still_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_stac(tmp_path / "nope.json")


# --- a source API's own queryables -----------------------------------------------------------


def test_harvesting_keeps_the_source_apis_own_queryables(db):
    """The filters a source API declares for a collection (its /queryables) become the
    collection's, instead of filters guessed from the harvested items."""
    collections, items = api_catalogue(3)
    declared = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "type": "object",
        "properties": {
            "eo:cloud_cover": {"type": "number", "minimum": 0, "maximum": 100},
            "platform": {"type": "string", "enum": ["sentinel-2a", "sentinel-2b"]},
        },
    }
    with StacApiServer(collections, items, queryables={"api-s2": declared}) as api:
        import_stac(api.url, "--collection", "api-s2")
        assert "GET /collections/api-s2/queryables" in api.requests
    collection = Collection.objects.get(stac_id="api-s2")
    assert collection.queryables_source == Collection.QueryablesSource.SOURCE
    assert set(collection.queryables) == {"eo:cloud_cover", "platform"}
    assert collection.queryables["platform"]["enum"] == ["sentinel-2a", "sentinel-2b"]


def test_a_source_apis_unusable_queryables_are_reported_and_the_derived_ones_kept(db):
    collections, items = api_catalogue(3)
    with StacApiServer(collections, items, queryables={"api-s2": {"properties": 5}}) as api:
        out, err = import_stac(api.url, "--collection", "api-s2")
    collection = Collection.objects.get(stac_id="api-s2")
    assert collection.queryables_source == Collection.QueryablesSource.ITEMS
    assert "queryables of api-s2 from the source not used" in err
