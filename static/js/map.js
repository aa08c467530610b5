// The portal's maps: MapLibre GL (vendored) over the configured raster basemap, with country
// outlines from the vendored Natural Earth data drawn on top, so that footprints keep their
// context when the basemap's tile server cannot be reached (offline, firewalled).
/* global maplibregl, topojson */

// `initial` ({sources, layers}, e.g. footprintStyle's) is drawn in the map's first frames, over
// the basemap: added once the style has loaded instead, it waited a frame or more behind it.
// `view` ({bounds, fitBoundsOptions}) is where the map starts: fitted once it had drawn, the
// map first made its tiles for a view it then left.
export function createMap(container, initial = { sources: {}, layers: [] }, view = {}) {
  const { basemapTiles, basemapAttribution, outlines, mapLocale } = container.dataset;
  const sources = { ...initial.sources };
  // No background layer: the canvas is transparent and the page paints the colour behind it
  // (portal.css, .maplibregl-map). Each layer type is a WebGL program the map compiles before
  // its first frame, ~0.1–0.2 s each in a software renderer (bench/explore_map.py's Chromium).
  const layers = [];
  if (basemapTiles) {
    sources.basemap = {
      type: "raster", tiles: [basemapTiles], tileSize: 256, maxzoom: 19,
      attribution: basemapAttribution,
    };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  layers.push(...initial.layers);
  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources, layers },
    center: [13.3, 47.6],
    zoom: 6,
    ...view,
    attributionControl: { compact: true },
    cooperativeGestures: false,
    // The controls' titles and labels in the page's language (templatetags/map_locale.py).
    locale: mapLocale ? JSON.parse(mapLocale) : {},
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  // The outlines come after the initial sources (a page's footprints): their world-wide lines
  // kept the map's one GeoJSON worker busy while the footprints waited, ~0.15 s.
  const outlinesData = fetch(outlines).then((response) => response.json());
  const addOutlines = async () => {
    const world = await outlinesData;
    map.addSource("countries", {
      type: "geojson",
      data: topojson.mesh(world, world.objects.countries),
      attribution: "Natural Earth",
    });
    map.addLayer({
      id: "countries", type: "line", source: "countries",
      paint: { "line-color": "#6b7b88", "line-width": 0.8 },
    }, initial.layers[0]?.id);
  };
  onStyleReady(map, () => whenSourcesLoaded(map, Object.keys(initial.sources), addOutlines));
  return map;
}

// Run `callback` once, when the sources `ids` of `map` have all loaded (at once if they have).
export function whenSourcesLoaded(map, ids, callback) {
  const loaded = () => ids.every((id) => map.isSourceLoaded(id));
  if (loaded()) { callback(); return; }
  const check = () => {
    if (!loaded()) return;
    map.off("sourcedata", check);
    callback();
  };
  map.on("sourcedata", check);
}

// Run `callback` once the map's style is ready for sources and layers. Not MapLibre's "load",
// which also waits for the basemap's tiles: when their server is unreachable it may come late
// or never, and the portal's own layers must not wait for it.
export function onStyleReady(map, callback) {
  if (map.isStyleLoaded()) callback();
  else map.once("style.load", callback);
}

// The [west, south, east, north] bounds of a GeoJSON geometry.
export function geometryBounds(geometry) {
  let west = 180, south = 90, east = -180, north = -90;
  const visit = (coordinates) => {
    if (typeof coordinates[0] === "number") {
      west = Math.min(west, coordinates[0]); east = Math.max(east, coordinates[0]);
      south = Math.min(south, coordinates[1]); north = Math.max(north, coordinates[1]);
    } else {
      coordinates.forEach(visit);
    }
  };
  visit(geometry.coordinates);
  return [west, south, east, north];
}

// The bounds to fit a footprint in: one split at the antimeridian (its parts meet at -180°
// and 180°, as the portal stores such footprints) is fitted across 180°, which MapLibre
// takes with longitudes past 180, instead of around the whole world.
export function footprintBounds(geometry) {
  const [west, south, east, north] = geometryBounds(geometry);
  if (west > -180 || east < 180) return [west, south, east, north];
  const shifted = (coordinates) => typeof coordinates[0] === "number"
    ? [coordinates[0] < 0 ? coordinates[0] + 360 : coordinates[0], coordinates[1]]
    : coordinates.map(shifted);
  const across = geometryBounds({ coordinates: shifted(geometry.coordinates) });
  return across[2] - across[0] < east - west ? across : [west, south, east, north];
}

// Footprint outlines and fills for GeoJSON `data`: the source and its two layers, for the map's
// first style (createMap) or to add later (addFootprints). Feature ids (for the "highlight"
// feature state) come from the property `promoteId`. `fillOpacity` 0 draws outlines only (over
// image previews, which a fill would veil).
export function footprintStyle(id, data, { promoteId = "id", fillOpacity = 0.08 } = {}) {
  const highlighted = ["boolean", ["feature-state", "highlight"], false];
  return {
    sources: { [id]: { type: "geojson", data, promoteId } },
    layers: [
      {
        id: `${id}-fill`, type: "fill", source: id,
        paint: {
          "fill-color": "#0b6e99",
          "fill-opacity": ["case", highlighted, fillOpacity > 0 ? 0.35 : 0, fillOpacity],
          // The line layer below draws the edges: the fill's own antialiased outline would be
          // one more WebGL program to compile before the footprints first show.
          "fill-antialias": false,
        },
      },
      {
        id: `${id}-line`, type: "line", source: id,
        paint: {
          "line-color": ["case", highlighted, "#f0a000", "#0b6e99"],
          "line-width": ["case", highlighted, 3, 1.5],
        },
      },
    ],
  };
}

export function addFootprints(map, id, data, { beforeId, ...options } = {}) {
  const { sources, layers } = footprintStyle(id, data, options);
  map.addSource(id, sources[id]);
  for (const layer of layers) map.addLayer(layer, beforeId);
}

// One fill opacity for footprints that may overlap: faint (`single`) where they do not, and
// low enough that the deepest stack of them (a time series over one place) stays
// see-through. Fills blend one over another: n of opacity a cover 1 - (1 - a)^n, which is
// kept at most `stackMost`. The depth is counted at each footprint's bounding-box centre.
export function stackedFillOpacity(features, { single = 0.08, stackMost = 0.25 } = {}) {
  const boxes = features.filter((f) => f.geometry).map((f) => geometryBounds(f.geometry));
  let depth = 1;
  for (const [west, south, east, north] of boxes) {
    const x = (west + east) / 2, y = (south + north) / 2;
    const here = boxes.filter(([w, s, e, n]) => w <= x && x <= e && s <= y && y <= n).length;
    depth = Math.max(depth, here);
  }
  return Math.min(single, 1 - (1 - stackMost) ** (1 / depth));
}

// A raster layer from a TiTiler tilejson: its URL, or the tilejson itself when the page carries
// it (tile URLs come from the tilejson, never built here; the page's are from the site's root).
// `onProgress(state)` hears how its tiles fare: "loading" while the first ones are fetched, then
// "drawn" once they are in (an empty tile, answered 204 beside the data, counts as drawn),
// "partial" when some of them failed or "failed" when all did; later it hears only changes.
export async function addTileLayer(map, id, tilejsonOrUrl, { beforeId, onProgress = () => {} } = {}) {
  let tilejson = tilejsonOrUrl;
  if (typeof tilejsonOrUrl === "string") {
    const response = await fetch(tilejsonOrUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`tilejson ${response.status}`);
    tilejson = await response.json();
  }
  const tiles = tilejson.tiles.map((url) => (url.startsWith("/") ? window.location.origin + url : url));
  map.addSource(id, {
    type: "raster", tiles, tileSize: 256,
    bounds: tilejson.bounds, minzoom: tilejson.minzoom, maxzoom: tilejson.maxzoom,
  });
  const below = beforeId && map.getLayer(beforeId) ? beforeId : map.getLayer("countries") ? "countries" : undefined;
  map.addLayer({ id, type: "raster", source: id }, below);

  // MapLibre reports a tile's start ("dataloading") and success ("data") with the tile, a
  // failure as an "error" event, and a 404 not at all (and may call its source loaded while
  // tiles still load): so each batch of tiles is judged by their own states once none is still
  // loading, checked on those events and every 250 ms while some are.
  let asked = new Set();
  let reported = null;
  let timer = null;
  const report = (state) => {
    if (state !== reported) { reported = state; onProgress(state); }
  };
  const settle = () => {
    const tiles = [...asked];
    if (!tiles.length || tiles.some((tile) => tile.state === "loading" || tile.state === "reloading")) return;
    asked = new Set();
    clearInterval(timer);
    timer = null;
    const states = new Set(tiles.map((tile) => tile.state));
    if (states.has("errored")) report(states.has("loaded") ? "partial" : "failed");
    else if (states.has("loaded")) report("drawn");
    // Only aborted tiles (the view moved on): the next batch tells.
  };
  map.on("dataloading", (event) => {
    if (event.sourceId !== id || !event.tile) return;
    if (reported === null) report("loading");
    asked.add(event.tile);
    timer ??= setInterval(settle, 250);
  });
  map.on("data", (event) => { if (event.sourceId === id && event.tile) settle(); });
  map.on("error", (event) => { if (event.sourceId === id) settle(); });
  map.on("idle", () => {
    if (reported === null && !asked.size) report("drawn");  // no tile of it in view
    settle();
  });
  return tilejson;
}
