"""JavaScript for web developers: the search with plain ``fetch``, following ``next`` links
until every matching item is in hand. Runs in Node.js 18+ and, for public data, in browsers."""

from __future__ import annotations

from catalog_portal.snippets.layout import JAVASCRIPT, comment, statement
from catalog_portal.snippets.spec import TOKEN_VARIABLE, SnippetSpec, search_body

# Pages are POST requests with a body, or GET links; STAC API's "merge" adds the body to ours.
SEARCH_FUNCTION = """\
async function searchItems(url, body, headers) {
  const items = [];
  let request = { url, method: "POST", body };
  while (request) {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { "Content-Type": "application/json", ...headers },
      body: request.method === "POST" ? JSON.stringify(request.body) : undefined,
    });
    if (!response.ok) {
      throw new Error(`The search failed (${response.status}): ${await response.text()}`);
    }
    const page = await response.json();
    items.push(...page.features);
    const next = page.links.find((link) => link.rel === "next");
    request = next && {
      url: next.href,
      method: next.method || "GET",
      body: next.merge ? { ...request.body, ...next.body } : next.body,
    };
  }
  return items;
}"""

REPORT = """\
searchItems(`${API_URL}/search`, SEARCH, HEADERS).then(
  (items) => {
    console.log(`${items.length} items found`);
    for (const item of items) console.log(item.id, item.properties.datetime);
  },
  (error) => {
    console.error(error.message);
    if (typeof process !== "undefined") process.exitCode = 1;
  },
);"""


def javascript_program_make(*, spec: SnippetSpec) -> str:
    """A script that prints the id and time of every item the search finds."""
    lines = comment(
        f"{spec.title} found by a search on Catalog Portal's STAC API with fetch, following the "
        '"next" links to every page of results. Runs in Node.js 18+ (node search.js).',
        marker="//",
        width=JAVASCRIPT.width,
    )
    lines.extend(["// The same search on the portal:", f"// {spec.page_url}", ""])
    lines.append(statement("const API_URL = ", spec.api_url, style=JAVASCRIPT, tail=";"))
    body = search_body(search=spec.search)
    lines.append(statement("const SEARCH = ", body, style=JAVASCRIPT, tail=";"))
    if spec.restricted:
        lines.extend(
            [
                "",
                *comment(
                    f"The data is restricted: set the environment variable {TOKEN_VARIABLE} "
                    "to your API token.",
                    marker="//",
                    width=JAVASCRIPT.width,
                ),
                f"const TOKEN = process.env.{TOKEN_VARIABLE};",
                "if (!TOKEN) {",
                f'  console.error("Set {TOKEN_VARIABLE} to your API token: this data is '
                'restricted.");',
                "  process.exit(1);",
                "}",
                "const HEADERS = { Authorization: `Bearer ${TOKEN}` };",
            ]
        )
    else:
        lines.append("const HEADERS = {};")
    lines.extend(["", SEARCH_FUNCTION, "", REPORT])
    return "\n".join(lines) + "\n"
