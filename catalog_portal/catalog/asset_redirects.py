"""Whether an HTTP(S) asset's URL stays inside the allow-list when its server redirects.

GDAL's /vsicurl/ follows every redirect (libcurl's FOLLOWLOCATION is always on, and GDAL 3.10,
the one rasterio's wheels carry, has no option to turn it off), so an allowed host that
redirects (an open redirect, a misconfigured proxy) would lead GDAL anywhere, the machine's
own services included. Before GDAL first opens such a URL, the portal asks the server itself
for the file's first byte without following redirects, and follows each ``Location`` only
while it names a file of an allow-listed source. The verdict is kept a few minutes per URL,
so this costs one small request per file, not per tile.

S3 sources need no check: GDAL signs its requests to the configured endpoint and, with
``CPL_VSIL_CURL_USE_S3_REDIRECT=NO`` (asset_sources.py), does not switch endpoints.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urljoin

import urllib3
from cachetools import TTLCache

from catalog_portal.catalog.asset_sources import AssetSource, asset_source

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
VERDICT_SECONDS = 300

_verdicts: TTLCache = TTLCache(maxsize=4096, ttl=VERDICT_SECONDS)
_verdicts_lock = threading.Lock()
# No proxies from the environment: the request goes where GDAL's would.
_http = urllib3.PoolManager(retries=False, maxsize=4)


def redirects_stay_inside(*, href: str, source: AssetSource) -> bool:
    """Whether GDAL may open ``href`` (of the http ``source``): every redirect its server
    answers names a file of an allow-listed source. The verdict is kept per href; a server
    that cannot be asked is refused for now (and asked again next time)."""
    with _verdicts_lock:
        verdict = _verdicts.get(href)
    if verdict is None:
        verdict = _redirects_check(href=href, source=source)
        if verdict is None:
            return False
        with _verdicts_lock:
            _verdicts[href] = verdict
    return verdict


def _redirects_check(*, href: str, source: AssetSource) -> bool | None:
    url = href
    timeout = urllib3.Timeout(connect=min(source.timeout, 10), read=source.timeout)
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = _http.request(
                "GET",
                url,
                headers={"Range": "bytes=0-0"},
                redirect=False,
                preload_content=False,
                timeout=timeout,
            )
        except urllib3.exceptions.HTTPError as error:
            logger.warning("asset %s could not be checked for redirects: %s", url, error)
            return None
        location = response.headers.get("Location")
        status = response.status
        # Not read: a server ignoring the Range header would send the whole file.
        response.close()
        if not 300 <= status < 400 or not location:
            return True
        url = urljoin(url, location)
        if asset_source(url) is None:
            logger.warning("asset %s redirects outside the asset sources, to %s", href, url)
            return False
    logger.warning("asset %s redirects more than %d times", href, MAX_REDIRECTS)
    return False
