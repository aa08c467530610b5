"""A small OpenID Connect provider on a real local HTTP server, for the single sign-on tests.

It does the authorization-code flow as a provider would: /authorize hands out a code for the
nonce it was given and redirects back with the state; /token trades the code for an ID token
signed with the client secret (HS256); /userinfo answers the user's claims for the access
token. One user, whose claims the test chooses.
"""

from __future__ import annotations

import secrets
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlparse

import jwt

from tests.local_server import JsonHandler, LocalServer


class OidcProvider(LocalServer):
    """``with OidcProvider(client_id, client_secret, claims) as provider: provider.url``."""

    def __init__(self, *, client_id: str, client_secret: str, claims: dict) -> None:
        self.client_id, self.client_secret, self.claims = client_id, client_secret, claims
        self.codes: dict[str, str] = {}  # code -> nonce
        self.tokens: set[str] = set()
        super().__init__()

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

        class Handler(JsonHandler):
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
                        self.send_json(200, provider.claims)
                    else:
                        self.send_json(401, {"error": "invalid_token"})
                else:
                    self.send_json(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == "/token":
                    self.send_json(200, provider.token(form))
                else:
                    self.send_json(404, {"error": "not found"})

        return Handler
