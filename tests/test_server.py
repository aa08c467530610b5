"""One ASGI app under a real uvicorn server: pages, the tile app at /tiles, static files."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_healthz_answers_json_through_the_asgi_app(demo_server):
    status, headers, body = get(f"{demo_server}/healthz")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == "ok"


def test_tiles_path_goes_to_the_tile_app(demo_server):
    status, _, body = get(f"{demo_server}/tiles/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    status, _, body = get(f"{demo_server}/tiles/openapi.json")
    assert status == 200
    assert "/healthz" in json.loads(body)["paths"]


def test_paths_that_only_start_like_tiles_stay_with_django(demo_server):
    status, headers, _ = get(f"{demo_server}/tilesets")
    assert status == 404
    assert "text/html" in headers["Content-Type"]


def test_static_files_are_served(demo_server):
    status, headers, body = get(f"{demo_server}/static/css/portal.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b".cards" in body


def test_catalogue_page_is_served_over_http(portal_server, make_collection):
    make_collection("served-collection", category="sentinel-2")
    status, _, body = get(f"{portal_server}/catalog/")
    assert status == 200
    assert "Sentinel-2 L2A test tiles" in body.decode()


def test_manage_py_serve_starts_uvicorn_on_the_given_port(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.2)
        assert status == 200
        assert get(f"http://127.0.0.1:{port}/tiles/healthz")[0] == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in output
