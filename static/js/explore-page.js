// The explore page: matching footprints on the map, highlighted together with their list rows;
// the area filter from the map view, a drawn rectangle or typed coordinates. Applying submits
// the form (see explore-form.js), so the state is always in the URL (reload, back/forward and
// shared links restore it).
import { footprintStyle, addTileLayer, onStyleReady, createMap, geometryBounds, stackedFillOpacity, whenSourcesLoaded } from "./map.js";
import { rectanglePolygon, setUpAreaDrawing } from "./area-draw.js";
import { setUpTypedArea } from "./area-typed.js";
import "./explore-form.js";
import { loadRowPreviews } from "./explore-views.js";

const form = document.getElementById("explore-form");
const bboxInput = document.getElementById("bbox");
const container = document.getElementById("map");
const featuresScript = document.getElementById("explore-features");
const features = featuresScript ? JSON.parse(featuresScript.textContent) : { type: "FeatureCollection", features: [] };
// Rows and footprints share one id: "collection/item" (an item id alone may repeat across
// collections). The footprints' source promotes it to their feature id.
const itemKey = (collection, itemId) => `${collection}/${itemId}`;
const rows = new Map([...document.querySelectorAll("#results li[data-item-id]")]
  .map((row) => [itemKey(row.dataset.collection, row.dataset.itemId), row]));
for (const feature of features.features) {
  feature.properties.key = itemKey(feature.properties.collection, feature.properties.id);
}
const area = bboxInput.value ? bboxInput.value.split(",").map(Number) : null;
const previewsOn = Boolean(document.getElementById("preview-toggle")?.checked);
// Resolved at the preview's first outcome: drawn, partly drawn or failed (or no preview).
let previewDone;
const previewSettled = new Promise((resolve) => { previewDone = resolve; });

// Over image previews footprints are outlines only: stacked fills would hide the images.
const map = createMap(container, footprintStyle("results", features, {
  promoteId: "key",
  fillOpacity: previewsOn ? 0 : stackedFillOpacity(features.features),
}), initialView());
window.portalMap = map;  // for the browser tests

// The map starts on the area filter, else on the matching footprints (else on Austria).
function initialView() {
  if (area) return { bounds: area, fitBoundsOptions: { padding: 30 } };
  const geometries = features.features.filter((f) => f.geometry).map((f) => f.geometry);
  if (!geometries.length) return {};
  const bounds = geometryBounds({ coordinates: geometries.map((g) => g.coordinates) });
  return { bounds, fitBoundsOptions: { padding: 40, maxZoom: 14 } };
}

const round = (value) => Math.round(value * 10000) / 10000;
const submitWithArea = (west, south, east, north) => {
  bboxInput.value = [west, south, east, north].map(round).join(",");
  form.requestSubmit();
};

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

// The area drawn (mouse, touch or keyboard) or typed.
const showArea = () => map.getSource("drawn")?.setData(area ? rectanglePolygon(area) : { type: "FeatureCollection", features: [] });
const drawing = setUpAreaDrawing({
  map,
  button: document.getElementById("draw-area"),
  hint: document.getElementById("draw-hint"),
  onDrawn: (bounds) => submitWithArea(...bounds),
  onCancel: showArea,
});
setUpTypedArea({
  group: document.getElementById("area-typed"),
  initial: area,
  onApply: (bounds) => submitWithArea(...bounds),
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
  row.addEventListener("focusout", () => highlight(null));
}

onStyleReady(map, () => {
  map.addSource("drawn", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "drawn", type: "line", source: "drawn", paint: { "line-color": "#f0a000", "line-width": 2, "line-dasharray": [2, 1] } });
  showArea();
  // The footprints first: the preview mosaic and the rows' previews wait until they are drawn.
  // The tile server and the browser share the machine's cores: the mosaic's first tiles, asked
  // for at once, held the footprints back by ~0.25 s (bench/explore_map.py, two cores). With
  // the mosaic on, the rows wait for its outcome (drawn, partly or not at all) instead: their
  // twenty images share the tile server and the browser's six connections to it, and asked
  // for first they held the mosaic's tiles back by seconds.
  whenFootprintsDrawn(() => {
    showPreview().finally(() => { container.dataset.ready = "true"; });
    if (!previewsOn) requestAnimationFrame(loadRowPreviews);
  });
  if (previewsOn) {
    previewSettled.then(() => requestAnimationFrame(loadRowPreviews));
  } else {
    setTimeout(loadRowPreviews, 3000);  // whatever happens to the map
  }
  map.on("mousemove", "results-fill", (event) => {
    map.getCanvas().style.cursor = drawing.isDrawing() ? "crosshair" : "pointer";
    highlight(event.features[0].id);  // the topmost footprint under the pointer
  });
  map.on("mouseleave", "results-fill", () => {
    map.getCanvas().style.cursor = drawing.isDrawing() ? "crosshair" : "";
    highlight(null);
  });
  map.on("click", "results-fill", (event) => {
    if (drawing.isDrawing()) return;
    const link = rows.get(event.features[0].id)?.querySelector("a");
    if (link) window.location.href = link.href;
  });
});

// Run `callback` once, after the frame that first draws the loaded footprints.
function whenFootprintsDrawn(callback) {
  whenSourcesLoaded(map, ["results"], () => {
    map.once("render", callback);
    map.triggerRepaint();
  });
}

// The preview: one mosaic layer of every matching item's image, newest on top, drawn by the
// tile server from the same search, which the page registered and carries as a tilejson
// (#explore-preview; null when the tile server refused the search).
// Its status says "Loading preview…" until the tiles are in, then goes away, or says that the
// preview is unavailable when every tile fails.
async function showPreview() {
  const toggle = document.getElementById("preview-toggle");
  const layerScript = document.getElementById("explore-preview");
  if (!toggle?.checked || !layerScript) { previewDone(); return; }
  const status = document.getElementById("preview-status");
  const failedLabel = toggle.dataset.failedLabel || "Preview unavailable";
  const show = (state, text = "") => {
    status.dataset.state = state;
    if (state !== "loading") previewDone();
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
  const layer = JSON.parse(layerScript.textContent);
  if (!layer) { progress.failed(); return; }
  progress.loading();
  try {
    await addTileLayer(map, "preview", layer, {
      beforeId: "results-fill",
      onProgress: (state) => progress[state](),
    });
    container.dataset.preview = layer.id;
  } catch (error) {
    show("failed", `${failedLabel} (${error.message})`);
  }
}
