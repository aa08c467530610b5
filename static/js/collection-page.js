// The collection page: its spatial extent as a rectangle on a small map.
import { addFootprints, onStyleReady, createMap } from "./map.js";

const container = document.getElementById("extent-map");
if (container) {
  const [west, south, east, north] = container.dataset.bbox.split(",").map(Number);
  const map = createMap(container);
  onStyleReady(map, () => {
    const fit = () => map.fitBounds([west, south, east, north], {
      padding: clearOfControls(container), duration: 0, maxZoom: 12,
    });
    fit();
    // The attribution fills in (and grows) as the sources load: fit again when it changes
    // size, until the visitor moves the map.
    const refit = new ResizeObserver(fit);
    refit.observe(container.querySelector(".maplibregl-ctrl-bottom-right"));
    map.on("movestart", (event) => { if (event.originalEvent) refit.disconnect(); });
    addFootprints(map, "extent", {
      type: "Polygon",
      coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    });
    container.dataset.ready = "true";
  });
}

// Padding that keeps a fitted extent clear of the controls over the small map: the zoom
// buttons at the top right and the attribution along the bottom would hide its edges.
function clearOfControls(container) {
  const margin = 16;
  const size = (corner, side) => container.querySelector(`.maplibregl-ctrl-${corner}`)?.[side] ?? 0;
  return {
    top: margin,
    left: margin,
    right: margin + size("top-right", "offsetWidth"),
    bottom: margin + Math.max(
      size("bottom-right", "offsetHeight"), size("bottom-left", "offsetHeight"),
    ),
  };
}
