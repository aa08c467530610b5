from django.apps import AppConfig


class SnippetsConfig(AppConfig):
    name = "catalog_portal.snippets"
    label = "snippets"
    verbose_name = "Code snippets"
