"""The portal served by ``manage.py serve`` in a child process, on the test database.

For tests whose request could take the whole process down (a native parser's segfault, memory
exhaustion under an address-space limit): the child dies, pytest does not, and the test can
see that it died. The child reads the same database as the test (the test must commit what it
writes, e.g. with ``transactional_db``) and the same DATA_ROOT.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """A DATABASE_URL naming the database this test run uses (SQLite file or PostgreSQL)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


@dataclass
class PortalProcess:
    """A running ``manage.py serve``: its base URL and the process; once it has ended, what
    it printed (its log)."""

    url: str
    process: subprocess.Popen
    output: str = ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def get(self, path: str, *, timeout: float = 10) -> tuple[int, bytes]:
        """Status and body of a GET of ``path`` (below the base URL)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@contextmanager
def portal_process(
    *, env: dict[str, str] | None = None, address_space: int | None = None
) -> Iterator[PortalProcess]:
    """Serve the portal in a child process until the block ends.

    ``address_space`` (bytes) limits the child's virtual memory (RLIMIT_AS): an allocation
    beyond it fails in the child instead of taking the machine's memory.
    """
    port = free_port()
    child_env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DATA_ROOT": str(settings.DATA_ROOT),
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }

    def limit_memory() -> None:  # runs in the child, before it executes Python
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=limit_memory,
    )
    served = PortalProcess(url=f"http://127.0.0.1:{port}", process=process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if served.get("/healthz", timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if not served.alive():
                raise RuntimeError(f"the portal process ended at start:\n{process.stdout.read()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the portal process did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield served
    finally:
        if served.alive():
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        served.output = process.communicate(timeout=10)[0] or ""


def http_request(
    url: str,
    *,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body of a GET of ``url``, or of a POST of
    ``body`` as JSON; HTTP errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
