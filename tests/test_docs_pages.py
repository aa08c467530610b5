"""Documentation pages rendered from the Markdown in catalog_portal/web/docs/."""

import pytest

from catalog_portal.web.docs import ORDER


@pytest.mark.parametrize("slug", ORDER)
def test_every_documentation_page_renders_with_this_portals_address(client, db, slug):
    page = client.get(f"/docs/{slug}/").content.decode()
    assert "<h1>" in page and "{portal}" not in page


def test_examples_name_the_host_the_reader_is_on(client, db):
    page = client.get("/docs/python/").content.decode()
    assert 'Client.open("http://testserver/api/v1")' in page
    assert '<pre tabindex="0"><code' in page  # a code block the keyboard scrolls


def test_docs_start_with_the_python_guide_and_refuse_unknown_pages(client, db):
    assert "Getting data with Python" in client.get("/docs/").content.decode()
    assert client.get("/docs/secrets/").status_code == 404
