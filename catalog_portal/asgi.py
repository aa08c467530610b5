"""The portal's one ASGI application: /tiles goes to the FastAPI tile app, /data to the data
API (Starlette), the rest to Django; the three machine front doors (/api, /tiles, /data)
answer other origins (lib/asgi_cors.py).

uvicorn serves it (``python manage.py serve``); several such processes can run behind a load
balancer because none keeps state of its own.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalog_portal.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from catalog_portal.data.app import create_data_app  # noqa: E402
from catalog_portal.lib.asgi_cors import cross_origin  # noqa: E402
from catalog_portal.lib.asgi_security import django_security  # noqa: E402
from catalog_portal.lib.urls import TILES_PATH, path_is_api  # noqa: E402
from catalog_portal.tiles.app import create_tiles_app  # noqa: E402


def mount(prefix: str, app: ASGIApp) -> ASGIApp:
    """``app`` as if mounted at ``prefix``: it sees the prefix as root_path (Starlette routes
    on the path below it)."""

    async def mounted(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, "root_path": scope.get("root_path", "") + prefix}, receive, send)

    return mounted


tiles_app = create_tiles_app()
# Path prefixes served by apps of their own, with the headers and HTTPS redirect pages have,
# readable from other origins as the STAC API is (pages are not).
MOUNTS = {
    prefix: django_security(cross_origin(mount(prefix, app)))
    for prefix, app in {TILES_PATH: tiles_app, "/data": create_data_app()}.items()
}
api_app = cross_origin(django_app)


async def application(scope, receive, send) -> None:
    """Dispatch by path. Lifespan events go to FastAPI, since Django's handler refuses them."""
    if scope["type"] == "lifespan":
        await tiles_app(scope, receive, send)
        return
    path = scope.get("path", "")
    for prefix, app in MOUNTS.items():
        if path == prefix or path.startswith(prefix + "/"):
            await app(scope, receive, send)
            return
    await (api_app if path_is_api(path) else django_app)(scope, receive, send)
