from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog_portal.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        # Teaches SQLite connections the exact spatial test that PostGIS has built in.
        from catalog_portal.catalog import checks, spatial  # noqa: F401 - checks registers itself
        from catalog_portal.lib import db_sessions  # noqa: F401 - its signal receivers
        from catalog_portal.lib.local_files import dev_secret_create, local_folders_create

        # Before any command connects to SQLite or signs anything.
        local_folders_create()
        dev_secret_create()
        spatial.register_sqlite_functions()
