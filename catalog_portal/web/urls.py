from django.urls import path

from catalog_portal.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("healthz", views.healthz, name="healthz"),
]
