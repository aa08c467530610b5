// The item page: the footprint (and, where the tiler serves the item, its raster) on the map,
// drawn with the render the visitor chooses, at the opacity they set, with a loading state.
import { addFootprints, onStyleReady, addTileLayer, createMap, footprintBounds } from "./map.js";
import { setUpCopyButtons, setUpTabs } from "./ui.js";

const RASTER = "item-tiles";

setUpTabs();
setUpCopyButtons();

// An item without a footprint has no map (the page says so instead).
const container = document.getElementById("map");
if (container) {
  const geometry = JSON.parse(document.getElementById("item-geometry").textContent);
  const map = createMap(container);
  window.portalMap = map;  // for the browser tests
  const status = rasterStatus(map, document.getElementById("raster-status"));
  const controls = rasterControls(map, container, status);
  onStyleReady(map, async () => {
    map.fitBounds(footprintBounds(geometry), { padding: 40, duration: 0 });
    addFootprints(map, "footprint", { type: "Feature", geometry, properties: {} });
    if (container.dataset.tilejson) await controls.draw(container.dataset.tilejson);
    container.dataset.ready = "true";
  });
}

// The status line over the map: "loading" from the first tile asked for until the raster's
// source has every tile in view, "failed" when a tile (or the tilejson) fails, else hidden.
function rasterStatus(map, element) {
  const show = (state) => {
    if (!element) return;
    element.dataset.state = state;
    element.hidden = state === "loaded";
    element.textContent = state === "loaded" ? "" : element.dataset[state];
  };
  const state = () => element?.dataset.state;
  map.on("dataloading", (event) => {
    if (event.sourceId === RASTER && event.tile && state() !== "failed") show("loading");
  });
  map.on("sourcedata", (event) => {
    if (event.sourceId !== RASTER || state() !== "loading" || !map.getSource(RASTER)) return;
    if (map.isSourceLoaded(RASTER)) show("loaded");
  });
  // MapLibre reports failed tiles as errors of their source (404s, outside the data, it
  // leaves out: they are empty, not failures).
  map.on("error", (event) => {
    if (event.sourceId === RASTER) show("failed");
  });
  // A view with no tile of the raster to load (zoomed out of its range) is not "loading".
  map.on("idle", () => {
    if (state() === "loading" && map.getSource(RASTER) && map.isSourceLoaded(RASTER)) show("loaded");
  });
  return { loading: () => show("loading"), failed: () => show("failed") };
}

// The render choice, the opacity slider and the legends (templates/web/_raster_controls.html).
function rasterControls(map, container, status) {
  const form = document.getElementById("raster-controls");
  const select = document.getElementById("render");
  const opacity = document.getElementById("raster-opacity");
  const opacityShown = document.getElementById("raster-opacity-value");
  const opacityValue = () => (opacity ? Number(opacity.value) / 100 : 1);
  // Redraws one after another: a second choice waits until the first layer is in place.
  let queue = Promise.resolve();

  async function draw(tilejson) {
    status.loading();
    if (map.getLayer(RASTER)) map.removeLayer(RASTER);
    if (map.getSource(RASTER)) map.removeSource(RASTER);
    try {
      await addTileLayer(map, RASTER, tilejson, { beforeId: "footprint-fill" });
      map.setPaintProperty(RASTER, "raster-opacity", opacityValue());
      container.dataset.tilejson = tilejson;
      delete container.dataset.tilesError;
    } catch (error) {
      container.dataset.tilesError = String(error);
      status.failed();
    }
  }

  if (form && select) {
    // Chosen here, the render is drawn in place; the form's button is for pages without scripts.
    form.querySelector("[data-render-apply]")?.setAttribute("hidden", "");
    form.addEventListener("submit", (event) => event.preventDefault());
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      for (const legend of form.querySelectorAll("[data-legend]")) {
        legend.hidden = legend.dataset.legend !== option.value;
      }
      // The address names the render (not the default), so a reload or a link keeps it.
      const url = new URL(window.location.href);
      if (option.index === 0) url.searchParams.delete("render");
      else url.searchParams.set("render", option.value);
      window.history.replaceState(window.history.state, "", url);
      queue = queue.then(() => draw(option.dataset.tilejson));
    });
  }
  opacity?.addEventListener("input", () => {
    opacityShown.textContent = `${opacity.value} %`;
    if (map.getLayer(RASTER)) map.setPaintProperty(RASTER, "raster-opacity", opacityValue());
  });
  return { draw: (tilejson) => (queue = queue.then(() => draw(tilejson))) };
}
