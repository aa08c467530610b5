"""The languages a snippet comes in (the ``lang`` parameter of /snippets/), and making one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.snippets.javascript import javascript_program_make
from catalog_portal.snippets.notebook import notebook_make
from catalog_portal.snippets.python import python_program_make
from catalog_portal.snippets.shell import curl_script_make
from catalog_portal.snippets.spec import SnippetSpec


@dataclass(frozen=True)
class Language:
    key: str  # the lang parameter
    label: Any
    suffix: str  # of the file name
    lexer: str  # Pygments' name for highlighting
    # Code is served as plain text, so that browsers show it rather than download it.
    media_type: str = "text/plain"


LANGUAGES = {
    language.key: language
    for language in (
        Language("python", "Python", ".py", "python"),
        Language("python-item", _("Python (one item)"), "-item.py", "python"),
        Language("curl", "curl", ".sh", "bash"),
        Language("javascript", "JavaScript", ".js", "javascript"),
        Language("notebook", _("Jupyter notebook"), ".ipynb", "json", "application/x-ipynb+json"),
    )
}
DEFAULT_LANGUAGE = "python"


@dataclass(frozen=True)
class Snippet:
    language: Language
    text: str
    filename: str


def snippet_language(key: str | None) -> Language:
    """The language ``key`` names (Python when none); raises InvalidParameter for others."""
    language = LANGUAGES.get(key or DEFAULT_LANGUAGE)
    if language is None:
        raise InvalidParameter("lang", f"{key!r} is not one of {', '.join(LANGUAGES)}")
    return language


def snippet_make(*, spec: SnippetSpec, language: Language) -> Snippet:
    """The code of ``spec`` in ``language``."""
    if language.key == "curl":
        text = curl_script_make(spec=spec)
    elif language.key == "javascript":
        text = javascript_program_make(spec=spec)
    else:
        program = python_program_make(spec=spec, one_item=language.key == "python-item")
        text = notebook_make(program=program) if language.key == "notebook" else program.text
    return Snippet(language=language, text=text, filename=spec.name + language.suffix)
