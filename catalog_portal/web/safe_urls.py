"""Which URLs from STAC documents may become links: http:, https:, mailto: and relative ones.

STAC documents come from imported catalogues and are untrusted. A provider's ``url`` or an
asset's ``href`` of ``javascript:alert(1)`` would run script when clicked, so every template
(through the ``safe_url`` filter) and the Markdown sanitiser take their answer from here.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# What a browser does before it reads a scheme (WHATWG URL parsing): leading and trailing C0
# control characters and spaces are stripped, ASCII tabs and newlines removed anywhere. So
# " JaVa\tScRiPt:" is javascript:, and the check must see the URL as the browser will.
_STRIPPED_ENDS = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_is_safe(*, url: str) -> bool:
    """Whether ``url`` may be an href: http:, https:, mailto: or relative (no scheme)."""
    if not isinstance(url, str):
        return False
    cleaned = _TAB_OR_NEWLINE.sub("", _STRIPPED_ENDS.sub("", url))
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES
