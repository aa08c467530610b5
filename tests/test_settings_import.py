"""Importing the settings writes nothing; starting Django makes what a portal on one machine
needs (the SQLite folder, STATIC_ROOT, the development secret key)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python_run(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "STATIC_ROOT"}
    }
    environment.update(
        VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="catalog_portal.settings"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_importing_the_settings_creates_no_file_or_folder(tmp_path):
    result = python_run(tmp_path, "import catalog_portal.settings")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var").exists()


def test_starting_django_makes_the_folders_and_the_development_key_it_uses(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)"
    )
    result = python_run(tmp_path, code)
    assert result.returncode == 0, result.stderr
    var = tmp_path / "var"
    assert (var / "staticfiles").is_dir()
    assert result.stdout.strip() == (var / "secret_key").read_text()
    assert (var / "secret_key").stat().st_mode & 0o777 == 0o600
