from django.contrib import admin
from django.urls import include, path

from catalog_portal.api.api import api, openapi_document
from catalog_portal.lib.urls import API_PATH

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before api.urls, so that this view answers /openapi.json with the OpenAPI media type.
    path(f"{API_PATH[1:]}/openapi.json", openapi_document, name="stac-openapi"),
    path(f"{API_PATH[1:]}/", api.urls),
    path("", include("catalog_portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("snippets/", include("catalog_portal.snippets.urls")),
    path("", include("catalog_portal.web.urls")),
]

# The site's error pages (JSON below /api/): web/error_pages.py; a database failure outside any
# view (a middleware) is a 503 there too (web/unavailable.py).
handler400 = "catalog_portal.web.error_pages.bad_request"
handler403 = "catalog_portal.web.error_pages.permission_denied"
handler404 = "catalog_portal.web.error_pages.page_not_found"
handler500 = "catalog_portal.web.error_pages.server_error"
