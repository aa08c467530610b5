from django.contrib import admin
from django.urls import include, path

from catalog_portal.api.api import api, openapi_document

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before api.urls, so that this view answers /openapi.json with the OpenAPI media type.
    path("api/v1/openapi.json", openapi_document, name="stac-openapi"),
    path("api/v1/", api.urls),
    path("", include("catalog_portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("snippets/", include("catalog_portal.snippets.urls")),
    path("", include("catalog_portal.web.urls")),
]

# Django calls it for exceptions outside views too (middleware), where a database outage must
# still be a 503 (web/unavailable.py); views' own failures reach DatabaseUnavailableMiddleware.
handler500 = "catalog_portal.web.unavailable.server_error"
