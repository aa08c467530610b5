"""The /snippets/ pages: the code of a search, a collection or an item, as a page with the
code highlighted by Pygments, a language switch and a copy button, or (``format=text``) as
the file itself. Bad parameters are answered 400 with the reason, what the visitor may not see
404, as everywhere in the portal."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.snippets.languages import LANGUAGES, Snippet, snippet_language, snippet_make
from catalog_portal.snippets.spec import TOKEN_VARIABLE, SnippetSpec
from catalog_portal.snippets.subjects import (
    collection_spec_read,
    item_spec_read,
    search_spec_read,
)

FORMATS = ("html", "text")


@require_GET
def search_snippet(request: HttpRequest) -> HttpResponse:
    """A search's code (GET /snippets/search/?<explore query>&lang=...&format=...)."""
    return _snippet_response(
        request,
        lambda: search_spec_read(
            viewer=request.viewer, query=request.GET, absolute=request.build_absolute_uri
        ),
    )


@require_GET
def collection_snippet(request: HttpRequest, collection_id: str) -> HttpResponse:
    """A collection's code (GET /snippets/collections/<c>/?lang=...&format=...)."""
    return _snippet_response(
        request,
        lambda: collection_spec_read(
            viewer=request.viewer,
            collection_id=collection_id,
            absolute=request.build_absolute_uri,
        ),
    )


@require_GET
def item_snippet(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    """An item's code, by default one asset with rioxarray
    (GET /snippets/collections/<c>/items/<i>/?lang=...&format=...)."""
    return _snippet_response(
        request,
        lambda: item_spec_read(
            user=request.user,
            collection_id=collection_id,
            item_id=item_id,
            absolute=request.build_absolute_uri,
        ),
        default_language="python-item",
    )


def _snippet_response(
    request: HttpRequest,
    read: Callable[[], SnippetSpec | None],
    *,
    default_language: str = "python",
) -> HttpResponse:
    """The snippet ``read`` describes, in the language and format the query asks for."""
    as_text = request.GET.get("format") == "text"
    try:
        if request.GET.get("format", "html") not in FORMATS:
            raise InvalidParameter("format", f"is one of {', '.join(FORMATS)}")
        language = snippet_language(request.GET.get("lang") or default_language)
        spec = read()
    except InvalidParameter as error:
        if as_text:
            return HttpResponse(f"{error}\n", status=400, content_type="text/plain")
        return render(request, "snippets/snippet.html", {"error": str(error)}, status=400)
    if spec is None:
        raise Http404("No such collection or item")
    snippet = snippet_make(spec=spec, language=language)
    if as_text:
        return _file_response(snippet)
    code = highlight(snippet.text, get_lexer_by_name(language.lexer), HtmlFormatter())
    return render(
        request,
        "snippets/snippet.html",
        {
            "spec": spec,
            "snippet": snippet,
            "highlighted": mark_safe(code),  # Pygments escapes the code it highlights
            "languages": [
                (other, _query(request, lang=other.key), other == language)
                for other in LANGUAGES.values()
            ],
            "text_query": _query(request, lang=language.key, format="text"),
            "notebook_query": _query(request, lang="notebook", format="text"),
            "notebook_name": spec.name + LANGUAGES["notebook"].suffix,
            "token_variable": TOKEN_VARIABLE,
        },
    )


def _file_response(snippet: Snippet) -> HttpResponse:
    language = snippet.language
    response = HttpResponse(snippet.text, content_type=f"{language.media_type}; charset=utf-8")
    disposition = "attachment" if language.key == "notebook" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{snippet.filename}"'
    return response


def _query(request: HttpRequest, **changes: str) -> str:
    """The request's query string with ``changes`` (and without a format unless given)."""
    query = request.GET.copy()
    query.pop("format", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
