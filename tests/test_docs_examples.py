"""The documentation's Python examples, run as a reader runs them: copied from the rendered
page (which names the portal's own address) and executed against a live portal serving the
demo. Every search an example makes must find items, in English and in German."""

from __future__ import annotations

import html
import json
import re
import subprocess

import pystac
import pystac_client
import pytest
import requests

from catalog_portal.web.docs import ORDER

PLACEHOLDER = re.compile(r"<[a-z][a-z ]*>")  # "<path of an asset>"


def code_examples(portal: str, slug: str, language: str, code: str = "python") -> list[str]:
    """The page's code blocks in ``code`` ("python", "sh") as the reader sees them."""
    response = requests.get(
        f"{portal}/docs/{slug}/", headers={"Accept-Language": language}, timeout=30
    )
    response.raise_for_status()
    block = re.compile(rf'<pre[^>]*><code class="language-{code}">(.*?)</code></pre>', re.S)
    return [html.unescape(found) for found in block.findall(response.text)]


def searches_in(namespace: dict) -> list[object]:
    """What an example left behind that holds search results."""
    return [
        value
        for value in namespace.values()
        if isinstance(value, pystac_client.ItemSearch | pystac.ItemCollection)
    ]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("slug", ORDER)
def test_every_python_example_in_the_docs_runs_and_finds_items(
    portal_server, demo, demo_user, make_token, monkeypatch, slug, language
):
    # The token examples read a real token of the demo user, who may see the restricted
    # orthophotos, from the environment as the docs tell the reader to.
    monkeypatch.setenv("CATALOG_PORTAL_TOKEN", make_token(demo_user))
    examples = code_examples(portal_server, slug, language)
    namespace: dict = {"__name__": "__docs_example__"}
    for code in examples:  # one after the other, as in one notebook
        assert not PLACEHOLDER.search(code), f"a placeholder the reader must fill in:\n{code}"
        exec(compile(code, f"docs/{slug}", "exec"), namespace)  # noqa: S102
    for found in searches_in(namespace):
        items = found if isinstance(found, pystac.ItemCollection) else found.item_collection()
        assert len(items) > 0, f"a search in /docs/{slug}/ finds nothing on the demo"


def test_the_docs_pages_with_searches_are_the_ones_run(demo_server):
    """The examples above do search: the Python guide and the token page each search."""
    for slug in ("python", "tokens"):
        code = "\n".join(code_examples(demo_server, slug, "en"))
        assert ".search(" in code, slug


@pytest.mark.parametrize("slug", ["stac-api", "tiles"])
def test_the_shell_examples_with_nothing_to_fill_in_answer_with_results(portal_server, demo, slug):
    """The curl commands a reader can paste as they are: a search that finds items, a mosaic
    registered (its id answered)."""
    commands = [
        command
        for command in code_examples(portal_server, slug, "en", code="sh")
        if not PLACEHOLDER.search(command) and "..." not in command
    ]
    assert commands
    for command in commands:
        run = subprocess.run(  # noqa: S603 - the docs' own commands, against the test server
            ["/bin/bash", "-c", command], capture_output=True, text=True, timeout=60, check=True
        )
        answer = json.loads(run.stdout)
        assert answer.get("features") or answer.get("id"), (command, answer)
