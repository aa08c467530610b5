"""Markdown from STAC documents (collection descriptions) and docs pages, rendered and sanitised.

Descriptions come from imported catalogues, so they are untrusted: Python-Markdown renders
them and nh3 (ammonia) keeps only harmless tags and attributes.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

from catalog_portal.web.safe_urls import SAFE_SCHEMES

EXTENSIONS = ["extra", "sane_lists"]
# A fenced block's language stays on its <code> (``language-python``), so readers and tests can
# tell the docs' Python examples from their shell commands; no other class survives.
CODE_CLASSES = {f"language-{name}" for name in ("python", "sh", "text", "json")}


def markdown_html(text: str) -> SafeString:
    """``text`` (CommonMark-ish Markdown) as sanitised HTML."""
    rendered = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    # Links in descriptions follow the same rule as every other URL from a STAC document
    # (nh3's own default list also allows ftp:, tel:, sms: and a dozen more).
    cleaned = nh3.clean(
        rendered,
        link_rel="noopener noreferrer nofollow",
        url_schemes=SAFE_SCHEMES,
        allowed_classes={"code": CODE_CLASSES},
    )
    # A code block scrolls sideways within itself: focusable, so the keyboard scrolls it too.
    # (After cleaning, which leaves <pre> without attributes.)
    cleaned = cleaned.replace("<pre>", '<pre tabindex="0">')
    return mark_safe(cleaned)  # noqa: S308
