"""Typed readers for environment variables that fail loudly, naming the variable.

Every knob of the portal is an environment variable (see README.md); these helpers
turn a bad value into an ``ImproperlyConfigured`` error at start-up instead of a
surprise later.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import ImproperlyConfigured

N = TypeVar("N", int, float)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """Return the variable's value, or ``default`` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean written as 1/0, true/false, yes/no or on/off."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return an integer, optionally no smaller than ``minimum``."""
    return _env_number(name, default, parse=int, kind="a whole number", minimum=minimum)


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    """Return a decimal number (e.g. seconds), optionally no smaller than ``minimum``."""
    return _env_number(name, default, parse=float, kind="a number", minimum=minimum)


def _env_number(name: str, default: N, *, parse: Callable[[str], N], kind: str,
                minimum: N | None) -> N:  # fmt: skip
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = parse(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not {kind}.") from None
    if not math.isfinite(value):  # float("nan"), float("inf")
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number.")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list with blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def origin_split(value: str, *, schemes: set[str], slash: bool = False) -> SplitResult | None:
    """``value`` split when it is exactly ``scheme://host[:port]`` (``slash``: a trailing "/"
    allowed) with a scheme of ``schemes``; None for anything else: no user, path, query or
    fragment, and a port that is a number."""
    try:
        url = urlsplit(value)
        url.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return None
    if (
        url.scheme.lower() not in schemes
        or not url.hostname
        or url.username is not None
        or url.path not in ({"", "/"} if slash else {""})
        or url.query
        or url.fragment
        or value.endswith(("?", "#"))
    ):
        return None
    return url


def env_origins(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list of web origins (``https://host[:port]``, as a browser's
    ``Origin`` header spells them: lower case, no path) and ``*`` entries."""
    origins = []
    for value in env_list(name, default):
        if value == "*":
            origins.append(value)
            continue
        if origin_split(value, schemes={"http", "https"}) is None:
            # A browser's Origin never has a path (not even "/"), so such an entry would
            # never match and the mistake would go unseen.
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an origin like https://app.example.org or *."
            )
        origins.append(value.lower())
    return origins


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return one of ``choices`` (compared case-insensitively, returned as listed)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    for choice in choices:
        if raw.strip().lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(choices)}.")


def env_path(name: str, default: Path) -> Path:
    """Return an absolute path; relative values are taken from the working directory."""
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def env_secret(name: str, *, required: bool, dev_file: Path | None) -> str:
    """Return a secret from ``NAME``, from the file named by ``NAME_FILE``, or for development
    from ``dev_file`` (empty until ``lib/local_files.py`` creates it at start); with no
    ``dev_file``, an optional secret that is not set is empty.

    ``required`` is set when running in production (DEBUG off): then a missing secret is an
    error, because a generated one would differ between processes behind a load balancer.
    """
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value and file_name:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name:
        try:
            value = Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name!r} cannot be read: {error}"
            ) from None
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            f"{name} (or {name}_FILE) is required when DEBUG is off; "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if dev_file is None:
        return ""
    # Empty until lib/local_files.py makes the file when Django starts.
    return dev_file.read_text().strip() if dev_file.exists() else ""
