"""Time to a usable explore map on the demo, in Chromium (bench/pages.py --explore-map).

Each run is cold: a new portal process (empty GDAL block cache, empty tile lookup cache; it
answers /healthz and one page before the run, so Python's imports are not timed) and a new
browser context (empty HTTP cache, so no tile comes from the browser's cache). The demo's
files stay in the operating system's page cache, as on a server that has run for a while.
Times are from navigation start (``performance.now()`` in the page):

- results + footprints: the page's footprints are drawn on the map (rendered features);
- preview: the preview mosaic's source has every tile loaded and the map is idle.

The basemap is off (BASEMAP_TILES empty): its tiles come from elsewhere and are not ours.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchlib import ROOT, production_env, server_process, timed

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = {
    "Sentinel-2 (156 items)": "/explore/?collection=sentinel-2-l2a&preview=1",
    "GFM flood maps (24 items)": "/explore/?collection=GFM&preview=1",
    "Orthophotos Tamsweg (6 items)": "/explore/?collection=dop-kaernten-tamsweg&preview=1",
    "All datasets": "/explore/?preview=1",
}
TARGETS = {"footprints": 1000.0, "preview": 2000.0}  # ms

# Polled once per animation frame: notes when each stage is first reached.
PROGRESS = """() => {
  const map = window.portalMap;
  if (!map) return false;
  const t = window.benchTimes || (window.benchTimes = {});
  if (!t.footprints && map.getLayer("results-fill")
      && map.queryRenderedFeatures({ layers: ["results-fill"] }).length) {
    t.footprints = performance.now();
  }
  const state = document.getElementById("preview-status")?.dataset.state;
  if (!t.preview && state === "drawn" && map.getSource("preview")
      && map.isSourceLoaded("preview") && map.loaded() && !map.isMoving()) {
    t.preview = performance.now();
  }
  const failed = ["failed", "partial"].includes(state);
  return Boolean(t.footprints && (t.preview || failed));
}"""


def demo_env(demo_dir: Path) -> dict[str, str]:
    """Production settings over the demo in SQLite under ``demo_dir``, no basemap."""
    env = production_env("")
    env.update(VAR_DIR=str(demo_dir), BASEMAP_TILES="", DATABASE_URL="")
    return env


def demo_prepare(env: dict[str, str]) -> None:
    """Migrate, collect static files and load the demo (once: reused when present)."""
    for command in (
        ["migrate", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo", "--if-empty", "-v0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(
    browser, base: str, path: str, *, done: str = PROGRESS
) -> tuple[dict[str, float], Counter]:
    """One cold load of ``path`` until ``done`` (a predicate in the page, PROGRESS's stages by
    default): the stage times (ms) and the preview tiles' statuses."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    statuses: Counter = Counter()
    page = context.new_page()
    page.on(
        "response",
        lambda r: (
            statuses.update([r.status])
            if "/tiles/searches/" in r.url and "/tiles/" in r.url.split("/searches/", 1)[1]
            else None
        ),
    )
    try:
        page.goto(base + path, wait_until="commit")
        page.wait_for_function(done, polling="raf", timeout=60_000)
        times = page.evaluate("window.benchTimes")
    finally:
        context.close()
    return times, statuses


def explore_map_bench(*, demo_dir: str, runs: int, port: int) -> None:
    """Print the medians of ``runs`` cold runs per page."""
    from playwright.sync_api import sync_playwright

    env = demo_env((ROOT / demo_dir).resolve())
    demo_prepare(env)
    base = f"http://127.0.0.1:{port}"
    print(
        f"time to a usable explore map, demo (SQLite), one uvicorn worker, DEBUG off, Chromium "
        f"1440x900; median of {runs} cold runs (new server process and browser context each)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        for name, path in PAGES.items():
            samples: dict[str, list[float]] = {"footprints": [], "preview": []}
            statuses: Counter = Counter()
            cpu: list[float] = []
            for _ in range(runs):
                with server_process(env, port) as server:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    timed(connection, "GET", "/catalog/")  # Django's imports, not timed
                    connection.close()
                    before = cpu_seconds(server.pid)
                    times, seen = one_run(browser, base, path)
                    cpu.append(cpu_seconds(server.pid) - before)
                for stage in samples:
                    if stage in times:
                        samples[stage].append(times[stage])
                statuses += seen
            print(f"{name}  {path}")
            for stage, label in (("footprints", "results + footprints"), ("preview", "preview")):
                values = samples[stage]
                if not values:
                    print(f"  {label:22s} never drawn")
                    continue
                median = statistics.median(values)
                verdict = "ok" if median <= TARGETS[stage] else "over target"
                print(
                    f"  {label:22s} median {median:7.0f} ms  (min {min(values):.0f}, max "
                    f"{max(values):.0f}; target {TARGETS[stage]:.0f} ms: {verdict})"
                )
                print(f"  {'':22s} runs: {', '.join(f'{value:.0f}' for value in values)} ms")
            print(
                f"  server CPU per load     median {statistics.median(cpu):7.2f} s  (what the "
                "page costs the portal, whatever else the machine runs)"
            )
            tiles = ", ".join(f"{count} × {status}" for status, count in sorted(statuses.items()))
            print(f"  preview tile answers per run: {sum(statuses.values()) / runs:.0f} ({tiles})")
        browser.close()
