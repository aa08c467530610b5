"""pystac-client against the portal served by a real HTTP server."""

import pytest
from pystac_client import Client

EODC_AREA = {
    "type": "Polygon",
    "coordinates": [
        [[16.43, 50.75], [17.88, 50.75], [17.88, 51.31], [16.43, 51.31], [16.43, 50.75]]
    ],
}


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    gfm = make_collection("GFM")
    for n in range(23):
        lon = 16.5 + 0.05 * n
        make_item(
            gfm,
            f"flood-{n:02d}",
            datetime=f"2024-09-{1 + n:02d}T05:02:02Z",
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon, 51.0],
                        [lon + 0.04, 51.0],
                        [lon + 0.04, 51.04],
                        [lon, 51.04],
                        [lon, 51.0],
                    ]
                ],
            },
        )
    make_item(gfm, "far-away", datetime="2024-09-15T05:02:02Z")  # over Styria, outside the area
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item")


def test_item_collection_over_several_pages_returns_every_item_once(portal_server, catalogue):
    client = Client.open(f"{portal_server}/api/v1")
    items = client.search(collections=["GFM"], limit=5).item_collection()
    ids = [item.id for item in items]
    assert len(ids) == 24 and len(set(ids)) == 24


def test_the_eodc_style_cql2_json_search(portal_server, catalogue):
    client = Client.open(f"{portal_server}/api/v1")
    search = client.search(
        filter_lang="cql2-json",
        filter={
            "op": "and",
            "args": [
                {"op": "s_intersects", "args": [{"property": "geometry"}, EODC_AREA]},
                {
                    "op": "anyinteracts",
                    "args": [
                        {"property": "datetime"},
                        {"interval": ["2024-09-10T00:00:00Z", "2024-09-20T23:59:59Z"]},
                    ],
                },
                {"op": "=", "args": [{"property": "collection"}, "GFM"]},
            ],
        },
        limit=4,
    )
    ids = sorted(item.id for item in search.items())
    assert ids == [f"flood-{n:02d}" for n in range(9, 20)]


def test_restricted_collections_are_invisible_to_anonymous_clients(portal_server, catalogue):
    client = Client.open(f"{portal_server}/api/v1")
    assert [c.id for c in client.get_collections()] == ["GFM"]
    assert [i.id for i in client.search(ids=["secret-item"]).items()] == []
