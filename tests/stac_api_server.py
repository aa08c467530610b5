"""A small STAC API on a real local HTTP server, for tests that read from "another" catalogue.

It serves collections and items held in memory, with item search (GET and POST) that honours
collections, ids, bbox, datetime and limit and pages through ``next`` links, as pystac-client
expects of a real API.
"""

from __future__ import annotations

import datetime as dt
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.local_server import JsonHandler, LocalServer

CONFORMANCE = [
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    "https://api.stacspec.org/v1.0.0/item-search",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class StacApiServer(LocalServer):
    """``with StacApiServer(collections, items) as api: api.url``; ``api.requests`` logs paths.

    ``queryables``: per collection id, the /queryables document the API links and serves.
    ``next_url``, when given, is where the ``next`` links of searches point instead of the
    API's own ``/search`` (a hostile API sending its client to another host).
    """

    def __init__(
        self,
        collections: list[dict],
        items: list[dict],
        *,
        next_url: str | None = None,
        queryables: dict[str, dict] | None = None,
    ) -> None:
        self.collections = {c["id"]: c for c in collections}
        # Per collection id, the document its /queryables answers (linked from the collection).
        self.queryables = queryables or {}
        self.items = items
        self.requests: list[str] = []
        self.next_url = next_url
        super().__init__()

    # --- the API ------------------------------------------------------------------------

    def landing(self) -> dict:
        return {
            "type": "Catalog",
            "id": "test-api",
            "stac_version": "1.0.0",
            "description": "A test STAC API",
            "conformsTo": CONFORMANCE,
            "links": [
                {"rel": "self", "href": f"{self.url}/", "type": "application/json"},
                {"rel": "root", "href": f"{self.url}/", "type": "application/json"},
                {"rel": "data", "href": f"{self.url}/collections", "type": "application/json"},
                {
                    "rel": "search",
                    "href": f"{self.url}/search",
                    "type": "application/geo+json",
                    "method": "GET",
                },
                {
                    "rel": "search",
                    "href": f"{self.url}/search",
                    "type": "application/geo+json",
                    "method": "POST",
                },
            ],
        }

    def collection(self, collection_id: str) -> dict:
        links = [
            {"rel": "self", "href": f"{self.url}/collections/{collection_id}"},
            {"rel": "root", "href": f"{self.url}/"},
            {"rel": "items", "href": f"{self.url}/collections/{collection_id}/items"},
        ]
        if collection_id in self.queryables:
            links.append(
                {
                    "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                    "href": f"{self.url}/collections/{collection_id}/queryables",
                    "type": "application/schema+json",
                }
            )
        return {**self.collections[collection_id], "links": links}

    def search(self, params: dict) -> dict:
        matches = [item for item in self.items if self._matches(item, params)]
        limit = int(params.get("limit") or 10)
        start = int(params.get("token") or 0)
        page = matches[start : start + limit]
        links = [{"rel": "root", "href": f"{self.url}/"}]
        if start + limit < len(matches):
            body = {**params, "token": str(start + limit)}
            links.append(
                {
                    "rel": "next",
                    "href": self.next_url or f"{self.url}/search",
                    "method": "POST",
                    "body": body,
                    "type": "application/geo+json",
                }
            )
        return {
            "type": "FeatureCollection",
            "features": page,
            "links": links,
            "numberReturned": len(page),
            "numberMatched": len(matches),
        }

    @staticmethod
    def _matches(item: dict, params: dict) -> bool:
        if params.get("collections") and item["collection"] not in params["collections"]:
            return False
        if params.get("ids") and item["id"] not in params["ids"]:
            return False
        if params.get("bbox"):
            west, south, east, north = params["bbox"]
            x0, y0, x1, y1 = item["bbox"]
            if x1 < west or x0 > east or y1 < south or y0 > north:
                return False
        if params.get("datetime"):
            start, _, end = params["datetime"].partition("/")
            when = _time(item["properties"]["datetime"])
            if start not in ("", "..") and when < _time(start):
                return False
            end = end or start
            if end not in ("", "..") and when > _time(end):
                return False
        return True

    # --- HTTP plumbing ------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(JsonHandler):
            def _route(self, params: dict) -> None:
                path = urlparse(self.path).path.rstrip("/")
                api.requests.append(f"{self.command} {path or '/'}")
                parts = path.split("/")[1:]
                if path == "":
                    return self.send_json(200, api.landing())
                if path == "/conformance":
                    return self.send_json(200, {"conformsTo": CONFORMANCE})
                if path == "/collections":
                    collections = [api.collection(cid) for cid in api.collections]
                    return self.send_json(200, {"collections": collections, "links": []})
                if len(parts) == 2 and parts[0] == "collections" and parts[1] in api.collections:
                    return self.send_json(200, api.collection(parts[1]))
                if len(parts) == 3 and parts[2] == "queryables" and parts[1] in api.queryables:
                    return self.send_json(200, api.queryables[parts[1]])
                if len(parts) == 3 and parts[0] == "collections" and parts[2] == "items":
                    return self.send_json(200, api.search({**params, "collections": [parts[1]]}))
                if path == "/search":
                    return self.send_json(200, api.search(params))
                return self.send_json(404, {"code": "NotFound", "description": path})

            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                params: dict = {key: values[0] for key, values in query.items()}
                for key in ("collections", "ids"):
                    if key in params:
                        params[key] = params[key].split(",")
                if "bbox" in params:
                    params["bbox"] = [float(v) for v in params["bbox"].split(",")]
                self._route(params)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._route(json.loads(self.rfile.read(length) or b"{}"))

        return Handler
