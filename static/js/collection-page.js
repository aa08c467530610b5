// The collection page: its spatial extent as a rectangle on a small map.
import { addFootprints, onStyleReady, createMap } from "./map.js";

const container = document.getElementById("extent-map");
if (container) {
  const [west, south, east, north] = container.dataset.bbox.split(",").map(Number);
  const map = createMap(container);
  onStyleReady(map, () => {
    map.fitBounds([west, south, east, north], { padding: 30, duration: 0, maxZoom: 12 });
    addFootprints(map, "extent", {
      type: "Polygon",
      coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    });
    container.dataset.ready = "true";
  });
}
