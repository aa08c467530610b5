"""Time the catalogue loaders and print figures (not part of the test run).

    .venv/bin/python bench/ingest.py                       # load_demo into a fresh SQLite
    .venv/bin/python bench/ingest.py --synthetic 1000000 \
        --database postgres://postgres@127.0.0.1:5432/cp_bench   # plus N synthetic items

Each measurement runs the real management command in a fresh process against a fresh
database under a temporary VAR_DIR, as a newcomer's `make run` would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, env: dict[str, str]) -> float:
    """Run `manage.py args` and return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def fresh_postgres(url: str) -> None:
    """Drop and re-create the database named in ``url``."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres",
                         autocommit=True) as connection:  # fmt: skip
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default="", help="DATABASE_URL (default: fresh SQLite)")
    parser.add_argument("--repeat", type=int, default=3, help="load_demo runs (median printed)")
    parser.add_argument("--synthetic", type=int, default=0, help="synthetic items to add once")
    options = parser.parse_args()

    demo_times = []
    for _ in range(options.repeat):
        with tempfile.TemporaryDirectory() as var:
            env = {**os.environ, "VAR_DIR": var, "DATABASE_URL": options.database}
            if options.database:
                fresh_postgres(options.database)
            manage("migrate", "--noinput", env=env)
            demo_times.append(manage("load_demo", env=env))
            if options.synthetic and len(demo_times) == options.repeat:
                seconds = manage("load_demo", "--synthetic-items", str(options.synthetic), env=env)
                print(f"load_demo --synthetic-items {options.synthetic}: {seconds:.1f} s "
                      f"({options.synthetic / seconds:,.0f} items/s)")  # fmt: skip
    database = options.database.split("://")[0] if options.database else "sqlite"
    median, low, high = statistics.median(demo_times), min(demo_times), max(demo_times)
    print(
        f"load_demo on {database}: median {median:.1f} s over {len(demo_times)} runs "
        f"(min {low:.1f}, max {high:.1f})"
    )


if __name__ == "__main__":
    main()
