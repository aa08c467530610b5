#!/usr/bin/env bash
# Time a newcomer's `make run`: clone the repository afresh, run it, and stop at the first
# catalogue page served. Prints the seconds. Usage: bench/clean_clone_run.sh [PORT]
set -euo pipefail
port=${1:-8765}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill -- -$pid 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$repo" "$work/portal"
cd "$work/portal"
start=$(date +%s.%N)
setsid make run PORT="$port" > "$work/run.log" 2>&1 &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/catalog/" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/run.log"; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
echo "make run, clean clone to first catalogue page: $(echo "$end - $start" | bc) s"
