"""What this machine's Chromium needs before any of the portal's work counts
(bench/pages.py --explore-map --floors), measured as explore_map.py measures the portal:

- bare map: a page holding only the vendored MapLibre and one footprint, inline in the map's
  first style, served as static files. Its "footprints drawn" is the floor of any page that
  draws footprints with this library on this machine (software WebGL, two cores).
- instant tiles: each explore page as in explore_map.py, but its preview tiles come from
  memory. A proxy (its own process, in front of the portal) records a page's tile answers on
  one load and replays them on the cold runs that follow. Its "preview drawn" is what the
  browser needs with a tile server that costs nothing; what is left of the 2.0 s target is
  all the real tile server may take. The proxy also relays the page and its static files,
  which costs a little: the floors are, if anything, high.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import ROOT, server_process
from explore_map import CHROMIUM, PAGES, PROGRESS, demo_env, demo_prepare, one_run

BARE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="maplibre-gl.css">
<style>html, body { margin: 0; height: 100% }
#map { position: absolute; inset: 0 0 0 480px }</style>
</head><body><div id="map"></div><script src="maplibre-gl.js"></script><script>
maplibregl.prewarm();
const footprint = { type: "Feature", properties: {}, geometry: { type: "Polygon",
  coordinates: [[[13, 47], [14, 47], [14, 48], [13, 48], [13, 47]]] } };
window.portalMap = new maplibregl.Map({ container: "map", center: [13.3, 47.6], zoom: 6, style: {
  version: 8, sources: { results: { type: "geojson", data: footprint } }, layers: [
    { id: "results-fill", type: "fill", source: "results",
      paint: { "fill-opacity": 0.1, "fill-antialias": false } },
    { id: "results-line", type: "line", source: "results" }] } });
</script></body></html>
"""

# The recording proxy: tile answers are kept by path and replayed; everything else is relayed.
PROXY = """
import http.client, http.server, sys
PORTAL, PORT = int(sys.argv[1]), int(sys.argv[2])
DROPPED = {"connection", "content-length", "transfer-encoding", "etag", "last-modified"}
tiles = {}

class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        tile = "/tiles/searches/" in self.path and "/tiles/WebMercatorQuad/" in self.path
        if not (tile and self.path in tiles):
            portal = http.client.HTTPConnection("127.0.0.1", PORTAL, timeout=60)
            portal.request("GET", self.path, headers={"Host": "127.0.0.1"})
            answer = portal.getresponse()
            kept = (answer.status, [(k, v) for k, v in answer.getheaders()
                                    if k.lower() not in DROPPED], answer.read())
            portal.close()
            if not tile:
                return self.answer(*kept)
            tiles[self.path] = kept
        self.answer(*tiles[self.path])

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a context closed mid-answer
            pass

class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser context closed with requests under way

Server(("127.0.0.1", PORT), Proxy).serve_forever()
"""


# The bare map has no preview: done once its footprints are drawn.
FOOTPRINTS_DRAWN = f"() => {{ ({PROGRESS})(); return Boolean(window.benchTimes?.footprints); }}"


def cold_runs(browser, base: str, path: str, runs: int, *, done: str = PROGRESS) -> dict:
    """explore_map.py's stage times (ms) of ``runs`` cold loads of ``path``, until ``done``."""
    samples: dict[str, list[float]] = {"footprints": [], "preview": []}
    for _ in range(runs):
        times, _ = one_run(browser, base, path, done=done)
        for stage in samples:
            if stage in times:
                samples[stage].append(times[stage])
    return samples


def median_line(label: str, values: list[float]) -> str:
    """One stage's median and runs, as explore_map.py prints them."""
    runs = ", ".join(f"{value:.0f}" for value in values)
    return f"  {label:22s} median {statistics.median(values):7.0f} ms  (runs: {runs})"


def static_server(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The files of ``directory`` over HTTP on ``port``, from a thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a browser context closed with requests under way

    server = Server(("127.0.0.1", port), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def explore_floors_bench(*, demo_dir: str, runs: int, port: int) -> None:
    """Print the bare-map floor and each explore page's instant-tiles floor."""
    from playwright.sync_api import sync_playwright

    env = demo_env((ROOT / demo_dir).resolve())
    demo_prepare(env)
    print(
        "floors of the explore map on this machine: Chromium 1440x900, median of "
        f"{runs} cold runs (new browser context each)"
    )
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        bare = Path(folder)
        for name in ("maplibre-gl.js", "maplibre-gl.css"):
            shutil.copy(ROOT / "static/vendor/maplibre-gl" / name, bare / name)
        (bare / "bare.html").write_text(BARE_PAGE)
        server = static_server(bare, port + 2)
        try:
            base = f"http://127.0.0.1:{port + 2}"
            cold_runs(browser, base, "/bare.html", 1, done=FOOTPRINTS_DRAWN)  # Chromium's start
            samples = cold_runs(browser, base, "/bare.html", runs, done=FOOTPRINTS_DRAWN)
        finally:
            server.shutdown()
        print("bare map (MapLibre and one footprint, static files)")
        print(median_line("footprints drawn", samples["footprints"]))

        (bare / "proxy.py").write_text(PROXY)
        with server_process(env, port):
            proxy = subprocess.Popen(
                [sys.executable, str(bare / "proxy.py"), str(port), str(port + 1)]
            )
            time.sleep(1)
            try:
                for name, path in PAGES.items():
                    base = f"http://127.0.0.1:{port + 1}"
                    cold_runs(browser, base, path, 1)  # records the page's tile answers
                    samples = cold_runs(browser, base, path, runs)
                    print(f"{name}, instant tiles  {path}")
                    print(median_line("results + footprints", samples["footprints"]))
                    print(median_line("preview drawn", samples["preview"]))
            finally:
                proxy.terminate()
                proxy.wait(timeout=30)
        browser.close()
