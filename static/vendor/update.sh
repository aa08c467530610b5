#!/usr/bin/env bash
# Re-vendor the front-end libraries from the npm registry at the versions pinned below.
# Nothing is fetched at run time: the portal serves these files itself (no CDN).
# Usage: static/vendor/update.sh   (needs npm; writes into static/vendor/)
set -euo pipefail
cd "$(dirname "$0")"
PACKAGES=(
  "maplibre-gl@5.24.1:dist/maplibre-gl.js dist/maplibre-gl.css LICENSE.txt"
  "@radiantearth/stac-fields@1.6.1:fields.json LICENSE"
  "world-atlas@2.0.2:countries-110m.json LICENSE"
  "topojson-client@3.1.0:dist/topojson-client.min.js LICENSE"
  # For the tests only (tests/test_accessibility_browser.py injects it); no page loads it.
  "axe-core@4.14.1:axe.min.js LICENSE LICENSE-3RD-PARTY.txt"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for entry in "${PACKAGES[@]}"; do
  spec=${entry%%:*}
  files=${entry#*:}
  name=${spec%@*}
  folder=${name#@radiantearth/}
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" "$folder"
  tar xzf "$tarball" -C "$work/x"
  for file in $files; do
    cp "$work/x/package/$file" "$folder/$(basename "$file")"
  done
  rm -rf "$work/x" "$tarball"
  # The source maps are not vendored; a dangling sourceMappingURL would make collectstatic's
  # manifest storage fail, so the comment goes.
  sed -i '/^\/[/*]# sourceMappingURL=/d' "$folder"/*.js "$folder"/*.css 2>/dev/null || true
  echo "vendored $spec into static/vendor/$folder"
done
