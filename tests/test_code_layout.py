"""The layers of README's "Code layout" hold: the catalogue imports no front door, front doors
import the catalogue, accounts and lib, and each import across front doors is a named one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "catalog_portal"

# Which top-level folders of catalog_portal/ each folder may import (besides itself).
ALLOWED = {
    "catalog": {"lib"},
    "demo": {"catalog", "lib"},  # the demo catalogue's generator
    "lib": set(),  # two adapters excepted (SIDEWAYS)
    "accounts": {"catalog", "lib"},
    "api": {"catalog", "accounts", "lib"},
    "web": {"catalog", "accounts", "lib"},
    "tiles": {"catalog", "accounts", "lib"},
    "data": {"catalog", "accounts", "lib"},
    "snippets": {"catalog", "accounts", "lib"},
}
# Imports across layers that README names, as (importing module, imported module).
SIDEWAYS = {
    ("lib/request_limits.py", "catalog_portal.catalog.search"),
    ("lib/request_limits.py", "catalog_portal.catalog.search.exceptions"),
    ("catalog/management/commands/load_demo.py", "catalog_portal.demo.loader"),
    ("catalog/management/commands/load_demo.py", "catalog_portal.demo.synthetic"),
    ("catalog/management/commands/load_demo.py", "catalog_portal.demo.object_storage"),
    ("lib/asgi_django.py", "catalog_portal.accounts.authentication"),
    ("accounts/authentication.py", "catalog_portal.data.signed_urls"),
    ("api/error_responses.py", "catalog_portal.data.files"),
    ("api/sign_endpoint.py", "catalog_portal.data.files"),
    ("api/sign_endpoint.py", "catalog_portal.data.signed_urls"),
    ("web/gallery.py", "catalog_portal.tiles.registry"),
    ("web/views.py", "catalog_portal.tiles.page_layers"),
    ("web/downloads.py", "catalog_portal.api.documents"),
    ("snippets/subjects.py", "catalog_portal.web.explore"),
}


def portal_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("catalog_portal.")}


def test_each_layer_imports_only_the_layers_below_it_or_a_named_exception():
    crossings = []
    for folder, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            module = path.relative_to(PACKAGE).as_posix()
            for name in portal_imports(path):
                layer = name.split(".")[1]
                if layer not in {folder, *allowed} and (module, name) not in SIDEWAYS:
                    crossings.append(f"{module} imports {name}")
    assert crossings == []


def test_the_catalogue_imports_no_front_door():
    front_doors = {"accounts", "api", "web", "tiles", "data", "snippets"}
    for path in (PACKAGE / "catalog").rglob("*.py"):
        layers = {name.split(".")[1] for name in portal_imports(path)}
        assert not layers & front_doors, path


def test_only_the_load_demo_command_imports_the_demo_generator():
    importers = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if not path.is_relative_to(PACKAGE / "demo")
        and any(name.split(".")[1] == "demo" for name in portal_imports(path))
    }
    assert importers == {"catalog/management/commands/load_demo.py"}


def test_the_named_exceptions_still_exist():
    for module, name in SIDEWAYS:
        assert name in portal_imports(PACKAGE / module), (module, name)
