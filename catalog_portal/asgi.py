"""The portal's one ASGI application: /tiles goes to the FastAPI tile app, the rest to Django.

uvicorn serves it (``python manage.py serve``); several such processes can run behind a load
balancer because none keeps state of its own.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalog_portal.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from catalog_portal.tiles.app import create_tiles_app  # noqa: E402

TILES_PREFIX = "/tiles"
tiles_app = create_tiles_app()


async def application(scope, receive, send) -> None:
    """Dispatch by path. Lifespan events go to FastAPI, since Django's handler refuses them."""
    if scope["type"] == "lifespan":
        await tiles_app(scope, receive, send)
        return
    path = scope.get("path", "")
    if path == TILES_PREFIX or path.startswith(TILES_PREFIX + "/"):
        # FastAPI (Starlette) routes on the path below root_path, as a mounted app.
        scope = {**scope, "root_path": scope.get("root_path", "") + TILES_PREFIX}
        await tiles_app(scope, receive, send)
        return
    await django_app(scope, receive, send)
