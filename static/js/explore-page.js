// The explore page: matching footprints on the map, highlighted together with their list rows;
// the area filter from the map view or a drawn rectangle. Every change submits the form, so
// the state is always in the URL (reload, back/forward and shared links restore it).
import { addFootprints, addTileLayer, onStyleReady, createMap, geometryBounds } from "./map.js";

const form = document.getElementById("explore-form");
const bboxInput = document.getElementById("bbox");
const container = document.getElementById("map");
const featuresScript = document.getElementById("explore-features");
const features = featuresScript ? JSON.parse(featuresScript.textContent) : { type: "FeatureCollection", features: [] };
const rows = new Map([...document.querySelectorAll("#results li[data-feature]")].map((row) => [Number(row.dataset.feature), row]));

const map = createMap(container);
window.portalMap = map;  // for the browser tests

const round = (value) => Math.round(value * 10000) / 10000;
const submitWithArea = (west, south, east, north) => {
  bboxInput.value = [west, south, east, north].map(round).join(",");
  form.requestSubmit();
};

for (const control of document.querySelectorAll("[data-autosubmit]")) {
  control.addEventListener("change", () => form.requestSubmit());
}
document.getElementById("use-view").addEventListener("click", () => {
  const bounds = map.getBounds();
  submitWithArea(
    Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
    Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90),
  );
});
document.getElementById("clear-area")?.addEventListener("click", () => {
  bboxInput.value = "";
  form.requestSubmit();
});

// Drawing a rectangle: press the button, then drag on the map.
const drawButton = document.getElementById("draw-area");
let drawing = false;
let start = null;
drawButton.addEventListener("click", () => {
  drawing = !drawing;
  drawButton.setAttribute("aria-pressed", String(drawing));
  container.classList.toggle("drawing", drawing);
  if (drawing) map.dragPan.disable(); else map.dragPan.enable();
});
const box = (a, b) => {
  const west = Math.min(a.lng, b.lng), east = Math.max(a.lng, b.lng);
  const south = Math.min(a.lat, b.lat), north = Math.max(a.lat, b.lat);
  return { type: "Polygon", coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] };
};
map.on("mousedown", (event) => { if (drawing) start = event.lngLat; });
map.on("mousemove", (event) => {
  if (drawing && start) map.getSource("drawn")?.setData(box(start, event.lngLat));
});
map.on("mouseup", (event) => {
  if (!drawing || !start) return;
  const [west, south, east, north] = geometryBounds(box(start, event.lngLat));
  start = null;
  if (east - west > 0 && north - south > 0) submitWithArea(west, south, east, north);
});

// Highlighting: a list row and its footprint light up together.
let highlighted = null;
const highlight = (id) => {
  if (highlighted === id) return;
  if (highlighted !== null) {
    map.setFeatureState({ source: "results", id: highlighted }, { highlight: false });
    rows.get(highlighted)?.classList.remove("highlight");
  }
  highlighted = id;
  if (id !== null) {
    map.setFeatureState({ source: "results", id }, { highlight: true });
    rows.get(id)?.classList.add("highlight");
  }
};
for (const [id, row] of rows) {
  row.addEventListener("mouseenter", () => highlight(id));
  row.addEventListener("focusin", () => highlight(id));
  row.addEventListener("mouseleave", () => highlight(null));
}

onStyleReady(map, () => {
  addFootprints(map, "results", features);
  map.addSource("drawn", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "drawn", type: "line", source: "drawn", paint: { "line-color": "#f0a000", "line-width": 2, "line-dasharray": [2, 1] } });
  const area = bboxInput.value ? bboxInput.value.split(",").map(Number) : null;
  if (area) {
    map.getSource("drawn").setData(box({ lng: area[0], lat: area[1] }, { lng: area[2], lat: area[3] }));
    map.fitBounds(area, { padding: 30, duration: 0 });
  } else if (features.features.length) {
    const all = { type: "GeometryCollection", geometries: features.features.filter((f) => f.geometry).map((f) => f.geometry) };
    if (all.geometries.length) map.fitBounds(geometryBounds({ coordinates: all.geometries.map((g) => g.coordinates) }), { padding: 40, duration: 0, maxZoom: 14 });
  }
  map.on("mousemove", "results-fill", (event) => {
    map.getCanvas().style.cursor = drawing ? "crosshair" : "pointer";
    highlight(event.features[0].id);
  });
  map.on("mouseleave", "results-fill", () => {
    map.getCanvas().style.cursor = drawing ? "crosshair" : "";
    highlight(null);
  });
  map.on("click", "results-fill", (event) => {
    if (drawing) return;
    const link = rows.get(event.features[0].id)?.querySelector("a");
    if (link) window.location.href = link.href;
  });
  showPreview().finally(() => { container.dataset.ready = "true"; });
});

// The preview: one mosaic layer of every matching item's image, newest on top, drawn by the
// tile server from the same search (registered once; its tile URLs come from its tilejson).
// Its status says "Loading preview…" until the tiles are in, then goes away, or says that the
// preview is unavailable when registering fails or every tile does.
async function showPreview() {
  const toggle = document.getElementById("preview-toggle");
  const searchScript = document.getElementById("explore-search");
  if (!toggle?.checked || !searchScript) return;
  const status = document.getElementById("preview-status");
  const failedLabel = toggle.dataset.failedLabel || "Preview unavailable";
  const show = (state, text = "") => {
    status.dataset.state = state;
    // Hidden while it has nothing to say; shown before its text is set, a frame later, so
    // that screen readers have the live region when its text changes and announce it.
    if (!text) {
      status.hidden = true;
      status.textContent = "";
      return;
    }
    status.hidden = false;
    requestAnimationFrame(() => {
      if (status.dataset.state === state) status.textContent = text;
    });
  };
  const progress = {
    loading: () => show("loading", toggle.dataset.loadingLabel || "Loading preview…"),
    drawn: () => show("drawn"),
    partial: () => show("partial", toggle.dataset.partialLabel || "Parts of the preview could not be drawn"),
    failed: () => show("failed", failedLabel),
  };
  progress.loading();
  try {
    const response = await fetch("/tiles/searches/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: searchScript.textContent,
    });
    if (!response.ok) throw new Error(`${response.status}`);
    const registered = await response.json();
    const tilejson = registered.links.find((link) => link.rel === "tilejson").href;
    await addTileLayer(map, "preview", tilejson, {
      beforeId: "results-fill",
      onProgress: (state) => progress[state](),
    });
    container.dataset.preview = registered.id;
  } catch (error) {
    show("failed", `${failedLabel} (${error.message})`);
  }
}
