"""Markdown from STAC documents (collection descriptions) and docs pages, rendered and sanitised.

Descriptions come from imported catalogues, so they are untrusted: Python-Markdown renders
them and nh3 (ammonia) keeps only harmless tags and attributes.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

EXTENSIONS = ["extra", "sane_lists"]


def markdown_html(text: str) -> SafeString:
    """``text`` (CommonMark-ish Markdown) as sanitised HTML."""
    rendered = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return mark_safe(nh3.clean(rendered, link_rel="noopener noreferrer nofollow"))  # noqa: S308
