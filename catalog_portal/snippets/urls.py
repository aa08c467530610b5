"""/snippets/...: a search is addressed by the explore page's query string, a collection and
an item by their ids; ``lang`` picks the language and ``format=text`` gives the file itself."""

from django.urls import path

from catalog_portal.snippets import views

app_name = "snippets"
urlpatterns = [
    path("search/", views.search_snippet, name="search"),
    # Ids may hold "/" (path converters), so an item's route comes before its collection's.
    path(
        "collections/<path:collection_id>/items/<path:item_id>/",
        views.item_snippet,
        name="item",
    ),
    path("collections/<path:collection_id>/", views.collection_snippet, name="collection"),
]
