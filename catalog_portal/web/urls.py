from django.urls import path

from catalog_portal.web import share_form, views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("explore/", views.explore, name="explore"),
    path("gallery/", views.gallery, name="gallery"),
    path("docs/", views.docs, name="docs"),
    path("docs/<slug:slug>/", views.docs, name="docs-page"),
    path("collections/<str:collection_id>/", views.collection_page, name="collection"),
    path("collections/<str:collection_id>/share/", share_form.share_add, name="collection-share"),
    path(
        "collections/<str:collection_id>/shares/<int:share_id>/remove/",
        share_form.share_remove,
        name="collection-unshare",
    ),
    path(
        "collections/<str:collection_id>/items/<str:item_id>/",
        views.item_page,
        name="item",
    ),
    path("healthz", views.healthz, name="healthz"),
]
