from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "catalog_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
