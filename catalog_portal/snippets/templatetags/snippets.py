"""``{% snippet_dialog url language %}``: the "Code snippet" dialog of a page."""

from django import template

from catalog_portal.snippets.languages import LANGUAGES

register = template.Library()
# The dialog switches between these; the notebook is a download of the Python snippet.
DIALOG_LANGUAGES = ("python", "python-item", "curl", "javascript")


@register.inclusion_tag("snippets/_dialog.html")
def snippet_dialog(url: str, language: str = "python") -> dict:
    """The dialog for the snippets at ``url`` (a /snippets/ URL without ``lang``)."""
    return {
        "snippet_url": url,
        "language": language,
        "snippet_languages": [(key, LANGUAGES[key].label) for key in DIALOG_LANGUAGES],
    }
