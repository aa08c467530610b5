"""Fetching the documents of an untrusted STAC source: only inside the source's own folder or
origin (or what ``--allow-path``/``--allow-host`` add), never a redirect out of it, never more
than a size limit. A STAC file is someone else's input: followed blindly, its links would make
the portal read local files or call hosts on its network (SSRF)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

REMOTE_SCHEMES = ("http", "https")
TIMEOUT_SECONDS = 30


class LinkRefused(Exception):
    """A document that may not or cannot be read; the message says why."""


def href_join(href: str, base: str) -> str:
    """``href`` made absolute against the document it was found in (a URL or a local path)."""
    if urlsplit(base).scheme in REMOTE_SCHEMES:
        return urljoin(base, href)
    if urlsplit(href).scheme:  # file:, http:, s3:, ... ("C:" is not a concern on POSIX)
        return href
    return os.path.normpath(os.path.join(os.path.dirname(base), href))


def local_path(href: str) -> Path | None:
    """The local file an absolute href names (a path or a ``file:`` URL), None for URLs."""
    parts = urlsplit(href)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if not parts.scheme and href.startswith("/"):
        return Path(href)
    return None


@dataclass
class SourceScope:
    """Where a source's links may lead, and how much may be read."""

    folders: list[Path] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # "host" or "host:port"
    max_bytes: int = 64 * 1024 * 1024

    @classmethod
    def of(
        cls, source: str, *, allow_hosts: list[str], allow_paths: list[str], max_bytes: int
    ) -> SourceScope:
        """The scope of ``source``: its folder, or its origin, plus what was allowed."""
        scope = cls(max_bytes=max_bytes, hosts=list(allow_hosts))
        scope.folders = [Path(path).resolve() for path in allow_paths]
        parts = urlsplit(source)
        if parts.scheme in REMOTE_SCHEMES:
            scope.hosts.append(parts.netloc)
        else:
            scope.folders.append(Path(source).resolve().parent)
        return scope

    def refusal(self, href: str) -> str | None:
        """Why ``href`` may not be read, or None when it may."""
        path = local_path(href)
        if path is not None:
            resolved = path.resolve()  # symlinks count where they lead
            if any(resolved.is_relative_to(folder) for folder in self.folders):
                return None
            return "outside the source's folder (allow it with --allow-path)"
        parts = urlsplit(href)
        if parts.scheme not in REMOTE_SCHEMES:
            return f"a {parts.scheme or 'relative'} link is not read"
        if parts.netloc in self.hosts or parts.hostname in self.hosts:
            return None
        return f"outside the source ({parts.netloc}; allow it with --allow-host)"

    def check(self, href: str) -> None:
        reason = self.refusal(href)
        if reason is not None:
            raise LinkRefused(reason)


class _ScopedSession(requests.Session):
    """A session that sends a request only inside the scope (each hop of a redirect is sent
    through here too) and reads at most the scope's size limit of each response.

    The checks live in the session rather than in what calls it because pystac-client builds
    its own requests (``Client.open`` replaces the ``request_modifier`` of the StacApiIO it
    is given with None) and would read every response whole.
    """

    def __init__(self, scope: SourceScope) -> None:
        super().__init__()
        self.scope = scope
        for prefix in ("http://", "https://"):
            self.mount(prefix, _BoundedAdapter(scope.max_bytes))

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        reason = self.scope.refusal(request.url)
        if reason is not None:
            raise LinkRefused(f"{request.url}: {reason}")
        if kwargs.get("timeout") is None:  # pystac-client passes None unless told
            kwargs["timeout"] = TIMEOUT_SECONDS
        return super().send(request, **kwargs)


class _BoundedAdapter(HTTPAdapter):
    """Reads each response's body (decompressed) as it comes, refusing more than
    ``max_bytes``: the responses of redirects too, which requests would read whole."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def send(self, request: requests.PreparedRequest, stream: bool = False, **kwargs):
        response = super().send(request, stream=True, **kwargs)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise LinkRefused(f"larger than {self.max_bytes} bytes (--max-document-bytes)")
        body = bytearray()
        for chunk in response.raw.stream(64 * 1024, decode_content=True):
            body += chunk
            if len(body) > self.max_bytes:
                response.close()
                raise LinkRefused(f"larger than {self.max_bytes} bytes (--max-document-bytes)")
        # The body read so far, handed back as the response's (public) raw stream: reading
        # ``content`` then gives exactly these bytes, already decompressed.
        response.raw = io.BytesIO(bytes(body))
        return response


def scoped_session(scope: SourceScope) -> requests.Session:
    """A requests session for everything read from one source (also for pystac-client)."""
    return _ScopedSession(scope)


def document_bytes(href: str, *, scope: SourceScope, session: requests.Session) -> bytes:
    """The bytes of the document at absolute ``href`` (raises LinkRefused)."""
    scope.check(href)
    path = local_path(href)
    if path is not None:
        try:
            with path.open("rb") as file:
                data = file.read(scope.max_bytes + 1)
        except OSError as error:
            raise LinkRefused(f"cannot be read ({error.strerror or error})") from None
    else:
        try:
            response = session.get(href)  # in scope and bounded by the session
            response.raise_for_status()
            data = response.content
        except requests.RequestException as error:
            raise LinkRefused(f"cannot be read ({error.__class__.__name__})") from None
    if len(data) > scope.max_bytes:
        raise LinkRefused(f"larger than {scope.max_bytes} bytes (--max-document-bytes)")
    return data
