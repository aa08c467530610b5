from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "catalog_portal.web"
    label = "web"
    verbose_name = "Web pages"
