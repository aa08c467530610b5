from django.apps import AppConfig


class TilesConfig(AppConfig):
    name = "catalog_portal.tiles"
    label = "tiles"
    verbose_name = "Map tiles"
