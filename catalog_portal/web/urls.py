from django.urls import path

from catalog_portal.web import downloads, share_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("explore/", views.explore, name="explore"),
    path("explore/download/", downloads.explore_download, name="explore-download"),
    path("gallery/", views.gallery, name="gallery"),
    path("docs/", views.docs, name="docs"),
    path("docs/<slug:slug>/", views.docs, name="docs-page"),
    # Ids may hold "/" (path converters; reverse() leaves "/" as is and encodes the rest), so
    # the longer routes come first: an item or a share is not read as a collection id.
    path(
        "collections/<path:collection_id>/items/<path:item_id>/",
        views.item_page,
        name="item",
    ),
    path(
        "collections/<path:collection_id>/shares/<int:share_id>/remove/",
        share_views.share_remove,
        name="collection-unshare",
    ),
    path(
        "collections/<path:collection_id>/share/names/",
        share_views.share_names_lookup,
        name="collection-share-names",
    ),
    path("collections/<path:collection_id>/share/", share_views.share_add, name="collection-share"),
    path("collections/<path:collection_id>/", views.collection_page, name="collection"),
    path("healthz", views.healthz, name="healthz"),
]
