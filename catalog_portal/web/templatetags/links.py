"""``{% load links %}``: the template side of web/safe_urls.py."""

from __future__ import annotations

from django import template

from catalog_portal.web.safe_urls import url_is_safe

register = template.Library()


@register.filter
def is_safe_url(url: object) -> bool:
    """``{% if asset.href|is_safe_url %}<a href=...>{% else %}text{% endif %}``."""
    return isinstance(url, str) and url_is_safe(url=url)
