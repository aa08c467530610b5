"""Python programs that repeat a search with pystac-client and load what it finds: every item
as an xarray with odc-stac, or one item's asset with rioxarray.

The search is sent as one CQL2-JSON filter (area, dates and property conditions), the way
EODC's examples write it; pixels are read over HTTP by GDAL. For restricted data the API
token comes from the environment and goes to both.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from catalog_portal.snippets.layout import PYTHON, Call, Raw, Strings, comment, statement
from catalog_portal.snippets.spec import (
    TOKEN_VARIABLE,
    LoadSpec,
    SnippetSpec,
    search_aoi,
    search_body,
    search_interval,
    wkt_parts,
)

CHUNK = 2048  # pixels per side of odc-stac's Dask chunks


@dataclass(frozen=True)
class Program:
    """A program as its docstring and its parts, which a notebook makes into cells."""

    doc: str
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return f'"""{_docstring_text(self.doc)}\n"""\n\n' + "\n\n".join(self.cells) + "\n"


def python_program_make(*, spec: SnippetSpec, one_item: bool) -> Program:
    """The program for ``spec``: all items with odc-stac, or (``one_item``) the first item's
    asset with rioxarray."""
    load = None if one_item else spec.load
    loads = load is not None
    packages = ["pystac-client"]
    if loads:
        packages.append("odc-stac")
    if one_item:
        packages.append("rioxarray")
    if loads or one_item:
        packages.append("matplotlib")
    found = f"{spec.title} found by a search on Catalog Portal"
    if loads:
        found += ", loaded as an xarray with odc-stac."
    elif one_item:
        found += "; the first one's data read with rioxarray."
    else:
        found += "."
    doc = "\n".join(
        [
            # The first line follows the docstring's opening quotes.
            *textwrap.wrap(found, 85),
            "",
            "The same search on the portal:",
            spec.page_url,
            f"Needs: pip install {' '.join(packages)}",
        ]
    )
    area_and_dates, stand_ins = _area_and_dates(spec)
    cells = [
        _imports(spec, loads=loads, one_item=one_item),
        _token() if spec.restricted else None,
        area_and_dates,
        _search(spec, stand_ins),
    ]
    if load is not None:
        cells.extend([_load(spec, load), _plot(load)])
    elif one_item:
        cells.extend([_open_one(spec), _plot_one()])
    else:
        cells.append("for item in items:\n    print(item.id, item.datetime)")
    return Program(doc=doc, cells=tuple(cell for cell in cells if cell))


def _imports(spec: SnippetSpec, *, loads: bool, one_item: bool) -> str:
    lines = []
    if spec.restricted:
        lines.extend(["import os", ""])
    if loads or one_item:
        lines.append("import matplotlib.pyplot as plt")
    if loads:
        lines.append("import odc.stac")
    if one_item:
        lines.extend(["import rasterio", "import rioxarray"])
    lines.extend(
        ["from pystac_client import Client", "from pystac_client.exceptions import APIError"]
    )
    return "\n".join(lines)


def _token() -> str:
    """Read the API token from the environment, or stop with a sentence."""
    message = f"Set {TOKEN_VARIABLE} to your API token: this data is restricted."
    return "\n".join(
        [
            *_comment(
                "The data is restricted: the portal wants your API token with every request. "
                f"Put it in the environment variable {TOKEN_VARIABLE}, not in the code."
            ),
            f'token = os.environ.get("{TOKEN_VARIABLE}")',
            "if not token:",
            statement("raise ", Call("SystemExit", (message,)), style=PYTHON, depth=1),
            'headers = {"Authorization": f"Bearer {token}"}',
        ]
    )


def _area_and_dates(spec: SnippetSpec) -> tuple[str | None, dict[str, Raw]]:
    """The search's area and dates as variables, and the names the filter uses for them."""
    lines, stand_ins = [], {}
    aoi = search_aoi(search=spec.search)
    if aoi is not None:
        west, south, east, north = spec.search["bbox"]
        lines.extend(
            _comment(f"The area: west {west}, south {south}, east {east}, north {north} (degrees)")
        )
        lines.append(statement("aoi = ", aoi, style=PYTHON))
        stand_ins["aoi"] = Raw("aoi")
    interval = search_interval(search=spec.search)
    if interval is not None:
        start, end = interval
        span = [f"from {start}" if start != ".." else "", f"until {end}" if end != ".." else ""]
        lines.extend(_comment(f"Acquired {' '.join(filter(None, span))}"))
        lines.append(statement("time_range = ", interval, style=PYTHON))
        stand_ins["interval"] = Raw("time_range")
    return ("\n".join(lines) if lines else None), stand_ins


def _search(spec: SnippetSpec, stand_ins: dict[str, Raw]) -> str:
    """Open the API and search, in one try: a refused token is refused at the first request."""
    headers = (("headers", Raw("headers")),) if spec.restricted else ()
    body = search_body(search=spec.search, **stand_ins)
    keywords = tuple((key.replace("-", "_"), value) for key, value in body.items())
    refused = Raw('f"The portal refused the search: {error}"')
    return "\n".join(
        [
            "try:",
            statement(
                "catalog = ", Call("Client.open", (spec.api_url,), headers), style=PYTHON, depth=1
            ),
            statement("search = ", Call("catalog.search", kwargs=keywords), style=PYTHON, depth=1),
            "    items = search.item_collection()",
            "except APIError as error:",
            statement(
                "raise ", Call("SystemExit", (refused,)), style=PYTHON, depth=1, tail=" from None"
            ),
            "if not items:",
            '    raise SystemExit("No items match this search.")',
            'print(f"{len(items)} items found")',
        ]
    )


def _gdal_options(spec: SnippetSpec) -> tuple[tuple[str, Raw | str], ...]:
    """GDAL's settings for reading the portal's files: no directory listings (the data API
    has none) and, for restricted data, the token with every request."""
    options: list[tuple[str, Raw | str]] = [("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")]
    if spec.restricted:
        options.append(("GDAL_HTTP_HEADERS", Raw('f"Authorization: Bearer {token}"')))
    return tuple(options)


def _load(spec: SnippetSpec, load: LoadSpec) -> str:
    reading = "GDAL reads the pixels over HTTP, only the blocks it needs"
    lines = _comment(reading + (", with the token." if spec.restricted else "."))
    configure = Call("odc.stac.configure_rio", kwargs=_gdal_options(spec))
    lines.append(statement("", configure, style=PYTHON))
    grid = [f"CRS {load.crs_note}"]
    if load.resolution is not None:
        grid.append(f"pixels of {load.resolution:g} m")
    if load.nodata is not None:
        grid.append(f"no data {load.nodata:g} (raster:bands)")
    lines.extend(_comment(f"From the collection's metadata: {'; '.join(grid)}."))
    crs: Raw | str = load.crs
    if load.crs.startswith(("PROJCRS", "GEOGCRS", "PROJCS", "GEOGCS", "COMPOUNDCRS")):
        lines.append(statement("crs_wkt2 = ", Strings(wkt_parts(wkt=load.crs)), style=PYTHON))
        crs = Raw("crs_wkt2")
    kwargs: list[tuple[str, object]] = []
    if spec.search.get("bbox"):
        kwargs.append(("bbox", list(spec.search["bbox"])))
    kwargs.extend([("crs", crs), ("bands", list(load.bands))])
    if load.resolution is not None:
        kwargs.append(("resolution", load.resolution))
    if load.nodata is not None:
        kwargs.append(("nodata", load.nodata))
    kwargs.extend([("chunks", {"x": CHUNK, "y": CHUNK}), ("groupby", "solar_day")])
    call = Call("odc.stac.load", (Raw("items"),), tuple(kwargs))
    lines.extend([statement("data = ", call, style=PYTHON), "print(data)"])
    return "\n".join(lines)


def _plot(load: LoadSpec) -> str:
    band = PYTHON.scalar(load.bands[0])
    if load.nodata is None:
        return "\n".join(
            [
                "# A first look: the first band on the first day",
                f"data[{band}].isel(time=0).plot.imshow(robust=True)",
                "plt.show()",
            ]
        )
    return "\n".join(
        [
            "# A first look: the first band on the first day, without its no-data pixels",
            f"first = data[{band}].isel(time=0)",
            f"first.where(first != {load.nodata!r}).plot.imshow(robust=True)",
            "plt.show()",
        ]
    )


def _open_one(spec: SnippetSpec) -> str:
    lines = ["item = items[0]"]
    if spec.load is not None:
        lines.append(f"href = item.assets[{PYTHON.scalar(spec.load.asset)}].href")
    else:
        lines.extend(
            [
                "# The item's first data asset",
                'href = next(a.href for a in item.assets.values() if "data" in (a.roles or []))',
            ]
        )
    environment = Call("rasterio.Env", kwargs=_gdal_options(spec))
    lines.extend(
        [
            'print(f"{item.id} ({item.datetime:%Y-%m-%d %H:%M} UTC): {href}")',
            "",
            "# GDAL reads the file over HTTP; masked: no-data pixels become NaN",
            statement("with ", environment, style=PYTHON, tail=":"),
            "    data = rioxarray.open_rasterio(href, masked=True).load()",
            "print(data.rio.crs, dict(data.sizes))",
        ]
    )
    return "\n".join(lines)


def _plot_one() -> str:
    return "\n".join(
        [
            "# A first look: the first band",
            "data.isel(band=0).plot.imshow(robust=True)",
            "plt.show()",
        ]
    )


def _comment(text: str) -> list[str]:
    return comment(text, marker="#", width=PYTHON.width)


def _docstring_text(text: str) -> str:
    """Text that cannot end the docstring early or start an escape sequence."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
