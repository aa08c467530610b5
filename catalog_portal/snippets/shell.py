"""A curl command that sends a search to the STAC API, its JSON body shown as it is sent."""

from __future__ import annotations

from catalog_portal.snippets.layout import JSON, comment, statement
from catalog_portal.snippets.spec import PAGE_SIZE, TOKEN_VARIABLE, SnippetSpec, search_body

WIDTH = 80


def curl_script_make(*, spec: SnippetSpec) -> str:
    """A POSIX shell script: one curl POST of the search; prints the first page of results."""
    about = (
        f"{spec.title} found by a search on Catalog Portal's STAC API. The answer is a GeoJSON "
        f"FeatureCollection of up to {PAGE_SIZE} items; when there are more, its link with "
        '"rel": "next" carries the body that asks for the next page.'
    )
    lines = [
        "#!/bin/sh",
        *comment(about, marker="#", width=WIDTH),
        "# The same search on the portal:",
        f"# {spec.page_url}",
    ]
    headers = ['-H "Content-Type: application/json"']
    if spec.restricted:
        lines.extend(
            comment(
                f"The data is restricted: set the environment variable {TOKEN_VARIABLE} to "
                "your API token.",
                marker="#",
                width=WIDTH,
            )
        )
        headers.append(
            f'-H "Authorization: Bearer ${{{TOKEN_VARIABLE}:?set it to your API token}}"'
        )
    lines.append(f'curl --fail-with-body --silent --show-error -X POST "{spec.api_url}/search" \\')
    lines.extend(f"  {header} \\" for header in headers)
    lines.append("  --data-binary @- <<'JSON'")
    lines.append(statement("", search_body(search=spec.search), style=JSON))
    lines.append("JSON")
    return "\n".join(lines) + "\n"
