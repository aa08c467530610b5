"""What a snippet is about — a search of the explore page, a collection or an item — read
from the catalogue as the user sees it, into a SnippetSpec. Each reads a fixed number of rows.

A search is addressed by the explore page's own query string and parsed by the same code, so
the snippet repeats exactly the search the page shows. None means not found (or not visible).
"""

from __future__ import annotations

import re

from django.http import QueryDict
from django.urls import reverse

from catalog_portal.catalog.access import User, Viewer
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.selectors import catalog_overview, visible_item
from catalog_portal.lib.urls import Absolute, api_url_build
from catalog_portal.snippets.spec import PAGE_SIZE, SnippetSpec, load_spec_read
from catalog_portal.web.explore import chosen_collection, explore_state


def search_spec_read(*, viewer: Viewer, query: QueryDict, absolute: Absolute) -> SnippetSpec | None:
    """The search an explore URL's query makes; raises InvalidParameter as the page does."""
    overview = catalog_overview(viewer=viewer)
    chosen = chosen_collection(query, collections=overview.collections)
    if query.get("collection") and chosen is None:
        return None
    state = explore_state(
        query,
        queryables=chosen.queryables if chosen else {},
        collection_items=chosen.item_count if chosen else 0,
    )
    state.search()  # checks what the page checks (dates in order, filter values typed)
    search = {**state.mosaic_search(), "limit": PAGE_SIZE}
    explore_query = state.query(preview="")
    page_url = absolute(reverse("explore") + (f"?{explore_query}" if explore_query else ""))
    if chosen is not None:
        name = f"{chosen.stac_id}-search"
        return _collection_spec(viewer.user, chosen, name, page_url, search, absolute)
    return SnippetSpec(
        name="search",
        title="Items of all datasets",
        page_url=page_url,
        api_url=api_url_build(absolute=absolute),
        search=search,
        restricted=any(c.is_restricted for c in overview.collections),
        load=None,  # collections differ in their grids: there is no one way to load them
    )


def collection_spec_read(
    *, viewer: Viewer, collection_id: str, absolute: Absolute
) -> SnippetSpec | None:
    """All items of a collection."""
    collection = viewer.collection(collection_id)
    if collection is None:
        return None
    page_url = absolute(reverse("collection", args=[collection_id]))
    search = {"collections": [collection_id], "limit": PAGE_SIZE}
    return _collection_spec(viewer.user, collection, collection_id, page_url, search, absolute)


def item_spec_read(
    *, user: User, collection_id: str, item_id: str, absolute: Absolute
) -> SnippetSpec | None:
    """One item, found by its id."""
    item = visible_item(user=user, collection_id=collection_id, item_id=item_id)
    if item is None:
        return None
    collection = item.collection
    return SnippetSpec(
        name=_file_name(item_id),
        title=f"Item {item_id} of {collection.title or collection_id}",
        page_url=absolute(reverse("item", args=[collection_id, item_id])),
        api_url=api_url_build(absolute=absolute),
        search={"collections": [collection_id], "ids": [item_id]},
        restricted=collection.is_restricted,
        load=load_spec_read(collection=collection.stac, item=item.stac),
    )


def _collection_spec(
    user: User, collection: Collection, name: str, page_url: str, search: dict, absolute: Absolute
) -> SnippetSpec:
    # The newest item tells what the collection's metadata leaves out (its CRS, say).
    sample: Item | None = None
    if collection.newest_item_id:
        sample = visible_item(
            user=user, collection_id=collection.stac_id, item_id=collection.newest_item_id
        )
    return SnippetSpec(
        name=_file_name(name),
        title=f"Items of {collection.title or collection.stac_id}",
        page_url=page_url,
        api_url=api_url_build(absolute=absolute),
        search=search,
        restricted=collection.is_restricted,
        load=load_spec_read(collection=collection.stac, item=sample.stac if sample else None),
    )


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "snippet"
