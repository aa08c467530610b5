"""Where the portal may read asset files: the allow-listed sources of ``ASSET_SOURCES``.

A source is the local data folder (``/data/…`` hrefs below DATA_ROOT, always present), an S3
bucket and prefix (``s3://bucket/prefix``, AWS or an S3-compatible store such as MinIO or
Ceph), or an HTTP(S) prefix (``https://host/prefix``). An href belongs to at most one source;
one that belongs to none is refused and never fetched. Matching is exact on scheme, host,
port, bucket and whole path segments, and refuses anything a server or GDAL could read as a
different place (``..``, userinfo, backslashes, encoded separators).

Each source says how GDAL reads it (``gdal_path``: ``/vsis3/…``, ``/vsicurl/…`` or the local
path) and with which configuration options (``gdal_options``: credentials, endpoint,
timeouts, caching), to be set around each read (rio-tiler's per-asset ``env``), never
process-wide, so that two buckets with different credentials can be read side by side.

``ASSET_SOURCES`` lists entries separated by spaces or commas; options follow an entry as a
query string (README.md, "Asset sources")::

    s3://eodc/sentinel-2?endpoint=https://objectstore.eodc.eu&region=eu&path_style=true&credentials=EODC
    https://sentinel-cogs.s3.us-west-2.amazonaws.com/sentinel-s2-l2a-cogs
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from catalog_portal.catalog.assets import DATA_HREF_PREFIX, asset_path
from catalog_portal.lib.env import origin_split

# Longest href considered at all: a URL longer than this is not a catalogued file.
MAX_HREF_LENGTH = 2048
# Characters no href of a readable file has: whitespace and controls (a request splitter for
# a server), backslashes (a path separator to some parsers, part of the host to others).
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")
# Percent-encoded "/", "\" and ".": a server decoding them would see other path segments than
# the prefix check saw.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|2e)", re.IGNORECASE)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_CREDENTIALS_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,40}")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# File names GDAL's network readers may open: a COG is a GeoTIFF. Anything else (a sidecar
# .aux.xml, .ovr, .msk lookup) would cost a request per file open.
_ALLOWED_EXTENSIONS = ".tif,.tiff"

SourceKind = Literal["local", "s3", "http"]


@dataclass(frozen=True)
class AssetSource:
    """One allow-listed place assets are read from; ``url`` is its normalised prefix
    (``/data/``, ``s3://bucket/prefix/``, ``https://host:port/prefix/``)."""

    kind: SourceKind
    url: str
    # s3: the bucket; http: scheme, host (lower case, IPv6 without brackets) and port.
    bucket: str = ""
    scheme: str = ""
    host: str = ""
    port: int = 0
    # The path every href's path must start with: "" or "prefix/" for s3 (keys have no
    # leading slash), "/" or "/prefix/" for http.
    path_prefix: str = ""
    endpoint: str = ""  # s3: https://host[:port] of an S3-compatible store; "" for AWS
    region: str = "us-east-1"
    path_style: bool = False
    timeout: float = 30.0
    retries: int = 3
    access_key_id: str = field(default="", repr=False)
    secret_access_key: str = field(default="", repr=False)
    session_token: str = field(default="", repr=False)

    @property
    def remote(self) -> bool:
        """Whether reads go over the network (through GDAL's /vsis3/ or /vsicurl/)."""
        return self.kind != "local"

    def matches(self, href: str) -> bool:
        """Whether ``href`` names a file of this source (see ``asset_source``)."""
        return self._key(href) is not None

    def gdal_path(self, href: str) -> str | None:
        """The name GDAL opens ``href`` by, or None when the href is not of this source."""
        key = self._key(href)
        if key is None:
            return None
        if self.kind == "local":
            return key
        if self.kind == "s3":
            return f"/vsis3/{self.bucket}/{key}"
        return f"/vsicurl/{href}"

    def local_path(self, href: str) -> Path | None:
        """The file below DATA_ROOT a local source's href names (None for other sources)."""
        return asset_path(href) if self.kind == "local" else None

    def s3_key(self, href: str) -> str | None:
        """The object key an s3 source's href names (None for other sources and hrefs)."""
        return self._key(href) if self.kind == "s3" else None

    def gdal_options(self) -> dict[str, str]:
        """GDAL configuration options for reading this source, set around each read."""
        if self.kind == "local":
            return {}
        options = {
            "GDAL_HTTP_TIMEOUT": str(math.ceil(self.timeout)),
            "GDAL_HTTP_CONNECTTIMEOUT": str(math.ceil(min(self.timeout, 10))),
            "GDAL_HTTP_MAX_RETRY": str(self.retries),
            # GDAL waits 30 s before a retry by default: longer than any tile may take.
            "GDAL_HTTP_RETRY_DELAY": "0.5",
            "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": _ALLOWED_EXTENSIONS,
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
            "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
            "GDAL_HTTP_MULTIPLEX": "YES",
            # HTTP/2 where TLS negotiates it; plain http (tests, a store on the LAN) stays 1.1.
            "GDAL_HTTP_VERSION": "2TLS",
            # Blocks read once stay in memory (per open file), and file sizes and headers in
            # GDAL's /vsicurl/ cache (kept across opens): a tile reopening a file asks the
            # network only for blocks it has not seen.
            "VSI_CACHE": "TRUE",
            "VSI_CACHE_SIZE": "5000000",
            "CPL_VSIL_CURL_CACHE_SIZE": "200000000",
            # GDAL would otherwise switch to whichever endpoint a 301 body names.
            "CPL_VSIL_CURL_USE_S3_REDIRECT": "NO",
            # No passwords from ~/.netrc for whatever host this is.
            "GDAL_HTTP_NETRC": "NO",
        }
        if self.kind == "s3":
            options.update(self._s3_options())
        return options

    def rasterio_env(self) -> dict[str, Any]:
        """``gdal_options`` as arguments of ``rasterio.Env`` (rio-tiler's per-asset ``env``):
        rasterio takes S3 credentials only as a session, never as options."""
        options = self.gdal_options()
        if self.kind != "s3":
            return options
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            options.pop(name, None)
        return {**options, "session": _rasterio_session(self)}

    def _s3_options(self) -> dict[str, str]:
        if self.endpoint:
            endpoint = urlsplit(self.endpoint)
            host, https = endpoint.netloc, endpoint.scheme == "https"
        else:
            host, https = "s3.amazonaws.com", True
        options = {
            "AWS_S3_ENDPOINT": host,
            "AWS_HTTPS": "YES" if https else "NO",
            "AWS_VIRTUAL_HOSTING": "FALSE" if self.path_style else "TRUE",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }
        # Keys, or unsigned requests: either way GDAL never looks for a profile or instance
        # credentials of its own, which would then go to whatever endpoint this is.
        if self.access_key_id:
            # NO explicitly: a read of a public bucket may be under way in the same thread.
            options.update(
                AWS_ACCESS_KEY_ID=self.access_key_id,
                AWS_SECRET_ACCESS_KEY=self.secret_access_key,
                AWS_NO_SIGN_REQUEST="NO",
            )
            if self.session_token:
                options["AWS_SESSION_TOKEN"] = self.session_token
        else:  # a public bucket: unsigned requests, as anyone on the internet makes them
            options["AWS_NO_SIGN_REQUEST"] = "YES"
        return options

    def _key(self, href: str) -> str | None:
        """The part of ``href`` below this source (a local path, an object key, the URL
        itself for http), or None when the href is not of this source."""
        if not isinstance(href, str) or len(href) > MAX_HREF_LENGTH:
            return None
        if self.kind == "local":
            path = asset_path(href)
            return None if path is None else str(path)
        if _FORBIDDEN.search(href):
            return None
        try:
            url = urlsplit(href)
            port = url.port
        except ValueError:
            return None
        if url.scheme.lower() != ("s3" if self.kind == "s3" else self.scheme):
            return None
        if "@" in url.netloc or url.fragment or href.endswith("#"):
            return None
        if self.kind == "s3":
            if url.netloc != self.bucket or url.query or href.endswith("?"):
                return None
            key = url.path.removeprefix("/")
            return key if _path_safe(key) and key.startswith(self.path_prefix) else None
        authority = f"[{self.host}]" if ":" in self.host else self.host
        allowed = {f"{authority}:{self.port}"}
        if self.port == _DEFAULT_PORTS[self.scheme]:
            allowed.add(authority)
        # Exactly the listed authority: no other port, no empty port, no trailing-dot host.
        if url.netloc.lower() not in allowed or port not in {None, self.port}:
            return None
        return href if _path_safe(url.path) and url.path.startswith(self.path_prefix) else None


@functools.lru_cache(maxsize=64)
def _rasterio_session(source: AssetSource) -> Any:
    """rasterio's AWS session of an s3 source (made once: it builds a boto3 session)."""
    from rasterio.session import AWSSession

    if not source.access_key_id:
        return AWSSession(aws_unsigned=True, region_name=source.region)
    return AWSSession(
        aws_access_key_id=source.access_key_id,
        aws_secret_access_key=source.secret_access_key,
        aws_session_token=source.session_token or None,
        region_name=source.region,
    )


def _path_safe(path: str) -> bool:
    """Whether ``path`` (a URL path or an object key) names one file without climbing:
    no empty, "." or ".." segments, no encoded separators, not a folder."""
    if _ENCODED_SEPARATOR.search(path) or not path or path.endswith("/"):
        return False
    segments = unquote(path).removeprefix("/").split("/")
    return all(segment not in {"", ".", ".."} for segment in segments)


def local_source() -> AssetSource:
    """The local data folder: ``/data/<path>`` hrefs name files below DATA_ROOT."""
    return AssetSource(kind="local", url=DATA_HREF_PREFIX)


def asset_source(
    href: str, *, sources: tuple[AssetSource, ...] | None = None
) -> AssetSource | None:
    """The source ``href`` belongs to (of ``sources``, by default ``settings.ASSET_SOURCES``
    and the local data folder), or None: then it is refused and never fetched."""
    if sources is None:
        from django.conf import settings

        sources = (local_source(), *settings.ASSET_SOURCES)
    return next((source for source in sources if source.matches(href)), None)


# --- the setting ---------------------------------------------------------------------------

_S3_OPTIONS = {"endpoint", "region", "path_style", "credentials", "timeout", "retries"}
_HTTP_OPTIONS = {"timeout", "retries"}


def asset_sources_parse(
    name: str, raw: str, *, secret: Callable[[str], str]
) -> tuple[AssetSource, ...]:
    """The sources listed in the environment variable ``name`` (value ``raw``); a bad entry
    raises ImproperlyConfigured naming the variable. ``secret(variable)`` reads a credential
    (lib/env.py's ``env_secret``: the variable or its ``*_FILE``)."""
    sources = []
    for entry in (part for part in re.split(r"[\s,]+", raw) if part):
        try:
            sources.append(_source_parse(entry, secret=secret))
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {entry!r} {error}") from None
    urls = [source.url for source in sources]
    for source in sources:
        for other in urls:
            if other != source.url and other.startswith(source.url):
                raise ImproperlyConfigured(f"{name}: {other!r} lies inside {source.url!r}")
    if len(set(urls)) != len(urls):
        raise ImproperlyConfigured(f"{name}: a source is listed twice")
    return tuple(sources)


def _source_parse(entry: str, *, secret: Callable[[str], str]) -> AssetSource:
    prefix, _, query = entry.partition("?")
    if _FORBIDDEN.search(entry) or "#" in entry:
        raise ValueError("has characters no source URL has")
    try:
        url = urlsplit(prefix)
        port = url.port
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as error:
        raise ValueError(f"is not a URL: {error}") from None
    options = dict(pairs)
    if len(options) != len(pairs):
        raise ValueError("names an option twice")
    scheme = url.scheme.lower()
    if url.username is not None or url.password is not None or "@" in url.netloc:
        raise ValueError("must not carry credentials in the URL (use credentials=NAME)")
    path = url.path.strip("/")
    if path and not _path_safe(path):
        raise ValueError("has an unsafe path")
    common = {
        "timeout": _number(options, "timeout", 30.0, minimum=1, maximum=300),
        "retries": int(_number(options, "retries", 3, minimum=0, maximum=10)),
    }
    if scheme == "s3":
        _known(options, _S3_OPTIONS)
        if port is not None or not _BUCKET.fullmatch(url.netloc):
            raise ValueError("does not name a bucket: s3://bucket/prefix")
        credentials = _s3_credentials(options.get("credentials"), secret=secret)
        return AssetSource(
            kind="s3",
            url=f"s3://{url.netloc}/{path + '/' if path else ''}",
            bucket=url.netloc,
            path_prefix=path + "/" if path else "",
            endpoint=_endpoint(options.get("endpoint", "")),
            region=_region(options.get("region", "us-east-1")),
            path_style=_flag(options, "path_style"),
            **credentials,
            **common,
        )
    if scheme in _DEFAULT_PORTS:
        _known(options, _HTTP_OPTIONS)
        if not url.hostname:
            raise ValueError("names no host")
        port = port or _DEFAULT_PORTS[scheme]
        host = url.hostname
        authority = f"[{host}]" if ":" in host else host
        return AssetSource(
            kind="http",
            url=f"{scheme}://{authority}:{port}/{path + '/' if path else ''}",
            scheme=scheme,
            host=host,
            port=port,
            path_prefix=f"/{path}/" if path else "/",
            **common,
        )
    raise ValueError("is neither s3://bucket/prefix nor https://host/prefix")


def _known(options: dict[str, str], allowed: set[str]) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(f"has unknown options {unknown}; known: {sorted(allowed)}")


def _number(options: dict, name: str, default: float, *, minimum: float, maximum: float) -> float:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if not (math.isfinite(value) and minimum <= value <= maximum):
        raise ValueError(f"{name}={raw!r} is not between {minimum:g} and {maximum:g}")
    return value


def _flag(options: dict, name: str) -> bool:
    raw = options.get(name, "false").lower()
    if raw not in {"true", "false"}:
        raise ValueError(f"{name}={raw!r} is not true or false")
    return raw == "true"


def _endpoint(raw: str) -> str:
    if not raw:
        return ""
    url = origin_split(raw, schemes=set(_DEFAULT_PORTS), slash=True)
    if url is None:
        raise ValueError(f"endpoint={raw!r} is not like https://host[:port]")
    return f"{url.scheme}://{url.netloc}"


def _region(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]{0,40}", raw):
        raise ValueError(f"region={raw!r} is not a region name like eu-central-1")
    return raw


def _s3_credentials(name: str | None, *, secret: Callable[[str], str]) -> dict[str, str]:
    """The keys of ``credentials=NAME``: NAME_ACCESS_KEY_ID and NAME_SECRET_ACCESS_KEY (and
    NAME_SESSION_TOKEN if set), each also from its ``*_FILE``; none for a public bucket."""
    if name is None:
        return {}
    if not _CREDENTIALS_NAME.fullmatch(name):
        raise ValueError(f"credentials={name!r} is not a variable prefix like EODC")
    keys = {
        "access_key_id": secret(f"{name}_ACCESS_KEY_ID"),
        "secret_access_key": secret(f"{name}_SECRET_ACCESS_KEY"),
        "session_token": secret(f"{name}_SESSION_TOKEN"),
    }
    missing = [
        f"{name}_{part}"
        for part, key in (
            ("ACCESS_KEY_ID", "access_key_id"),
            ("SECRET_ACCESS_KEY", "secret_access_key"),
        )
        if not keys[key]
    ]
    if missing:
        raise ValueError(f"needs {' and '.join(missing)} (or their *_FILE)")
    return keys


# --- programs other than GDAL --------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def s3_client(source: AssetSource) -> Any:
    """A boto3 S3 client for ``source`` (its endpoint, region, addressing and credentials;
    unsigned for a public bucket), made once per source: boto3 clients are thread-safe."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    if source.kind != "s3":
        raise ValueError(f"{source.url} is not an S3 source")
    config = Config(
        region_name=source.region,
        s3={"addressing_style": "path" if source.path_style else "virtual"},
        connect_timeout=min(source.timeout, 10),
        read_timeout=source.timeout,
        retries={"max_attempts": source.retries, "mode": "standard"},
        # SigV4 also for presigned URLs (botocore presigns with SigV2 in us-east-1 otherwise,
        # which newer regions and stores refuse).
        signature_version="s3v4" if source.access_key_id else UNSIGNED,
    )
    credentials = {}
    if source.access_key_id:
        credentials = {
            "aws_access_key_id": source.access_key_id,
            "aws_secret_access_key": source.secret_access_key,
            "aws_session_token": source.session_token or None,
        }
    # Its own session: the default one would also look for credentials in ~/.aws and the
    # instance metadata service, which an unsigned client must not send.
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=source.endpoint or None, config=config, **credentials)
