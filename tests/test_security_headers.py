"""The tile server (/tiles) and the data API (/data) send the security headers Django's pages
send and follow the same HTTPS redirect settings, over a real HTTP server."""

from __future__ import annotations

import pytest
import requests

HEADERS = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
BEHIND_TLS = {"X-Forwarded-Proto": "https"}  # what the proxy says (SECURE_PROXY_SSL_HEADER)
PATHS = ("/tiles/tileMatrixSets", "/data/no/such/file.tif")


def test_tiles_and_data_send_the_security_headers_pages_send(portal_server):
    page = requests.get(f"{portal_server}/healthz")
    for path in PATHS:
        response = requests.get(f"{portal_server}{path}")
        for name in HEADERS:
            assert page.headers.get(name), f"the page sends no {name}"
            assert response.headers.get(name) == page.headers[name], (path, name)
        assert "Strict-Transport-Security" not in response.headers, "HSTS only over HTTPS"


def test_tiles_and_data_send_hsts_over_https(portal_server, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    for path in PATHS:
        response = requests.get(f"{portal_server}{path}", headers=BEHIND_TLS)
        assert response.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


@pytest.mark.parametrize("path", PATHS)
def test_the_https_redirect_applies_to_tiles_and_data(portal_server, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    response = requests.get(f"{portal_server}{path}?a=1", allow_redirects=False)
    assert response.status_code == 301
    host = portal_server.removeprefix("http://")
    assert response.headers["Location"] == f"https://{host}{path}?a=1"
    behind_tls = requests.get(f"{portal_server}{path}", headers=BEHIND_TLS, allow_redirects=False)
    assert behind_tls.status_code != 301


def test_paths_exempt_from_the_https_redirect_are_answered_over_http(portal_server, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^tiles/healthz$"]
    assert requests.get(f"{portal_server}/tiles/healthz", allow_redirects=False).status_code == 200
    redirected = requests.get(f"{portal_server}/tiles/tileMatrixSets", allow_redirects=False)
    assert redirected.status_code == 301
