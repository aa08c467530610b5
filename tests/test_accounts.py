"""Signing in safely: lockout after repeated wrong passwords, CSRF on every form, password
reset by e-mail, and a deployment check that is clean with the production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from catalog_portal.accounts.tokens import api_token_create

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


def log_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_right_password_logs_in(bob):
    client = Client()
    response = log_in(client, "bob", "bob-password")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_ten_wrong_passwords_lock_that_user_from_that_address(bob):
    client = Client()
    for _ in range(9):
        response = log_in(client, "bob", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = log_in(client, "bob", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Locked even with the right password, until the cool-off passes ...
    assert log_in(client, "bob", "bob-password").status_code == 429
    # ... but only from that address (LOGIN_LOCKOUT_BY=user-and-ip, the default), so nobody
    # can lock someone else out from elsewhere.
    assert log_in(Client(), "bob", "bob-password", ip="10.0.0.2").status_code == 302


def test_locking_by_user_locks_the_account_from_every_address(bob, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    settings.AXES_FAILURE_LIMIT = 3
    for attempt in range(3):
        log_in(Client(), "bob", "wrong", ip=f"10.0.1.{attempt}")
    assert log_in(Client(), "bob", "bob-password", ip="10.0.2.1").status_code == 429


def test_lockout_settings_come_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_LOCKOUT_PARAMETERS, s.AXES_COOLOFF_TIME)"
    )
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "catalog_portal.settings",
    }
    env.update(LOGIN_FAILURE_LIMIT="5", LOGIN_LOCKOUT_BY="ip", LOGIN_LOCKOUT_MINUTES="0")
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "['ip_address']", "None"]


def test_a_password_reset_link_arrives_by_mail_and_sets_a_new_password(bob):
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": "bob@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302
    assert log_in(Client(), "bob", "a new long passphrase").status_code == 302


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(db):
    response = Client().post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


class _Forms(HTMLParser):
    """The forms of a page: (method, action, field names)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attributes.get("method") or "get").lower(),
                    "action": attributes.get("action") or "",
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms:
            if attributes.get("name"):
                self.forms[-1]["fields"][attributes["name"]] = attributes.get("value") or "x"


def post_forms(client: Client, path: str) -> list[dict]:
    parser = _Forms()
    parser.feed(client.get(path).content.decode())
    return [{**form, "page": path} for form in parser.forms if form["method"] == "post"]


def test_every_form_carries_a_csrf_token_and_is_refused_without_one(make_collection, bob):
    """Every POST form of every page a signed-in owner sees, and the login page."""
    secret = make_collection("secret-collection", visibility="restricted")
    secret.owner = bob
    secret.save()
    api_token_create(user=bob, name="to revoke")
    signed_in = Client()
    signed_in.force_login(bob)
    pages = [
        "/", "/catalog/", "/explore/", "/gallery/", "/docs/", "/collections/secret-collection/",
        "/accounts/profile/", "/accounts/password_change/",
    ]  # fmt: skip
    forms = [form for page in pages for form in post_forms(signed_in, page)]
    forms += post_forms(Client(), LOGIN) + post_forms(Client(), "/accounts/password_reset/")
    actions = {form["action"] or form["page"] for form in forms}
    for expected in (
        "/accounts/logout/",
        "/i18n/setlang/",
        "/collections/secret-collection/share/",
    ):
        assert expected in actions
    assert any(re.fullmatch(r"/accounts/tokens/\d+/revoke/", action) for action in actions)
    for form in forms:
        assert "csrfmiddlewaretoken" in form["fields"], form
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(bob)
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        response = strict.post(form["action"] or form["page"], fields)
        assert response.status_code == 403, form


def test_deploy_checks_are_clean_with_the_production_settings(tmp_path):
    """docker/production.env: the settings for running behind a TLS-terminating proxy."""
    # Not the test run's own switches (the browser fixture allows async-unsafe ORM calls).
    ours = ("DEBUG", "SECURE_", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    for line in (ROOT / "docker" / "production.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="catalog_portal.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("path", ["/healthz"])
def test_the_health_check_is_not_redirected_to_https(db, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(path).status_code == 200
