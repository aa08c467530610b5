// The item page: the footprint (and, where the tiler serves the item, its raster) on the map.
import { addFootprints, onStyleReady, addTileLayer, createMap, footprintBounds } from "./map.js";
import { setUpCopyButtons, setUpTabs } from "./ui.js";

setUpTabs();
setUpCopyButtons();

// An item without a footprint has no map (the page says so instead).
const container = document.getElementById("map");
if (container) {
  const geometry = JSON.parse(document.getElementById("item-geometry").textContent);
  const map = createMap(container);
  window.portalMap = map;  // for the browser tests
  onStyleReady(map, async () => {
    map.fitBounds(footprintBounds(geometry), { padding: 40, duration: 0 });
    addFootprints(map, "footprint", { type: "Feature", geometry, properties: {} });
    if (container.dataset.tilejson) {
      try {
        await addTileLayer(map, "item-tiles", container.dataset.tilejson, { beforeId: "footprint-fill" });
      } catch (error) {
        container.dataset.tilesError = String(error);
      }
    }
    container.dataset.ready = "true";
  });
}
