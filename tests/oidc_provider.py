"""A small OpenID Connect provider on a real local HTTP server, for the single sign-on tests.

It does the authorization-code flow as a provider would: /authorize hands out a code for the
nonce it was given and redirects back with the state; /token trades the code for an ID token
signed with the client secret (HS256); /userinfo answers the user's claims for the access
token. One user, whose claims the test chooses.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt


class OidcProvider:
    """``with OidcProvider(client_id, client_secret, claims) as provider: provider.url``."""

    def __init__(self, *, client_id: str, client_secret: str, claims: dict) -> None:
        self.client_id, self.client_secret, self.claims = client_id, client_secret, claims
        self.codes: dict[str, str] = {}  # code -> nonce
        self.tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> OidcProvider:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the client after the user signed in at the provider."""
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = query.get("nonce", "")
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> dict:
        assert form["client_id"] == self.client_id and form["client_secret"] == self.client_secret
        nonce = self.codes.pop(form["code"])
        access = secrets.token_urlsafe(16)
        self.tokens.add(access)
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.client_id, "sub": self.claims["sub"]}
        claims.update(iat=now, exp=now + 300, nonce=nonce)
        id_token = jwt.encode(claims, self.client_secret, algorithm="HS256")
        return {"access_token": access, "id_token": id_token, "token_type": "Bearer"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, document: dict, status: int = 200) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token in provider.tokens:
                        self._json(provider.claims)
                    else:
                        self._json({"error": "invalid_token"}, 401)
                else:
                    self._json({"error": "not found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == "/token":
                    self._json(provider.token(form))
                else:
                    self._json({"error": "not found"}, 404)

        return Handler
