// Phones show the map or the results, one at a time, with a switch that stays at the top: a
// stacked page would scroll the map away. Wider screens show both and hide the switch (CSS).
const layout = document.querySelector("main.explore-layout");
const switcher = document.querySelector(".view-switch");

function show(view, { scroll = false } = {}) {
  layout.dataset.view = view;
  for (const button of switcher.querySelectorAll("button[data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }
  if (scroll) switcher.scrollIntoView({ block: "start" });
}

if (layout && switcher) {
  switcher.hidden = false;
  show("list");
  for (const button of switcher.querySelectorAll("button[data-view]")) {
    button.addEventListener("click", () => show(button.dataset.view, { scroll: button.dataset.view === "map" }));
  }
  // Drawing an area happens on the map: pressing Draw in the list brings the map up.
  document.getElementById("draw-area")?.addEventListener("click", () => {
    if (layout.dataset.view === "list") show("map", { scroll: true });
  });
}

// Row previews come from the same tile server as the map: they are asked for once the map's
// footprints are drawn (explore-page.js calls this), so that twenty small images do not hold
// back the first usable map (bench/pages.py --explore-map: about 0.2–0.5 s sooner).
export function loadRowPreviews() {
  for (const image of document.querySelectorAll("img.result-preview[data-src]")) {
    image.src = image.dataset.src;
    image.removeAttribute("data-src");
  }
}

// A row whose preview cannot be drawn (no raster, or the tile server refused it) keeps an
// empty frame instead of a broken-image icon.
for (const image of document.querySelectorAll("img.result-preview")) {
  image.addEventListener("error", () => image.classList.add("result-preview-failed"), { once: true });
}
