"""Documentation pages, written in Markdown beside this module (``docs/<slug>.md``), with
translations in ``docs/<language>/<slug>.md``; a page not translated is shown in English.

``{portal}`` in a page stands for the portal's own address, so examples name the host the
reader is on; ``{sort_scan_max_items}`` for the setting of that name, as the reader writes
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from catalog_portal.web.markdown import markdown_html

DOCS = Path(__file__).parent / "docs"
ORDER = ["python", "stac-api", "tiles", "tokens"]


@dataclass(frozen=True)
class DocPage:
    slug: str
    title: str
    html: SafeString


def doc_pages(*, language: str) -> list[tuple[str, str]]:
    """(slug, title) of every page in ``language``, in reading order."""
    return [(slug, _title(_source(slug, language))) for slug in ORDER]


def doc_page(slug: str, *, portal_url: str, language: str) -> DocPage | None:
    """The page ``slug`` in ``language`` rendered for a reader on ``portal_url``, or None."""
    if slug not in ORDER:
        return None
    path = _source(slug, language)
    sort_scan_max_items = number_format(settings.SEARCH_SORT_SCAN_MAX_ITEMS, force_grouping=True)
    text = (
        path.read_text(encoding="utf-8")
        .replace("{portal}", portal_url.rstrip("/"))
        .replace("{sort_scan_max_items}", sort_scan_max_items)
    )
    return DocPage(slug=slug, title=_title(path), html=markdown_html(text))


def _source(slug: str, language: str) -> Path:
    """The page's Markdown in ``language`` (``de``, ``de-at``), else the English original."""
    translated = DOCS / language.split("-")[0] / f"{slug}.md"
    return translated if translated.is_file() else DOCS / f"{slug}.md"


def _title(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").strip()
