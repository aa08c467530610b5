"""The interface in English and German: the language menu, and a complete German catalogue."""

from pathlib import Path

import polib
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from catalog_portal.web.unavailable import unavailable_page

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES"


def test_english_is_the_default(client, db):
    page = client.get("/catalog/").content.decode()
    assert '<html lang="en">' in page and "Data Catalogue" in page


def test_switching_to_german_changes_the_interface_and_stays(client, db):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/catalog/"})
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    page = client.get("/catalog/").content.decode()
    assert '<html lang="de">' in page
    assert "Datenkatalog" in page and "Anmelden" in page


def test_the_browser_language_is_honoured(client, db):
    page = client.get("/explore/", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content.decode()
    assert "Erkunden" in page and "Aufgenommen" in page


def test_the_database_unavailable_page_is_german_for_a_german_visitor():
    # What DatabaseUnavailableMiddleware answers, in the language LocaleMiddleware chose.
    request = RequestFactory().get("/explore/")
    with translation.override("de"):
        page = unavailable_page(request=request, error=OperationalError("server closed"))
    html = page.content.decode()
    assert page.status_code == 503
    assert "Vorübergehend nicht verfügbar" in html
    assert "Der Katalog ist vorübergehend nicht erreichbar." in html
    assert "temporarily" not in html.lower()


def test_every_interface_text_has_a_german_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_its_source():
    source = {
        (e.msgid, e.msgstr or str(e.msgstr_plural)) for e in polib.pofile(str(LOCALE / "django.po"))
    }
    compiled = {
        (e.msgid, e.msgstr or str(e.msgstr_plural)) for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    assert source <= compiled, "run `make messages` to compile locale/de"
