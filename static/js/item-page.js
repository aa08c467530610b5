// The item page: the footprint (and, where the tiler serves the item, its raster) on the map.
import { addFootprints, onStyleReady, addTileLayer, createMap, geometryBounds } from "./map.js";
import { setUpCopyButtons, setUpTabs } from "./ui.js";

setUpTabs();
setUpCopyButtons();

const container = document.getElementById("map");
const geometry = JSON.parse(document.getElementById("item-geometry").textContent);
const map = createMap(container);
window.portalMap = map;  // for the browser tests
onStyleReady(map, async () => {
  if (!geometry) return;
  map.fitBounds(geometryBounds(geometry), { padding: 40, duration: 0 });
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
