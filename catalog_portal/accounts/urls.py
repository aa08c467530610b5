from django.urls import include, path

from catalog_portal.accounts import oidc, views

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    # Login, logout, password change and reset: Django's views with the portal's templates.
    path("accounts/", include("django.contrib.auth.urls")),
    path("oidc/authenticate/", oidc.oidc_authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_authentication_callback"),
]
