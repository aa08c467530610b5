// Images the tile server draws on request (catalogue thumbnails, gallery previews) take a few
// seconds when cold: their frame says "Loading…" until the image is in, then nothing, or that
// the image is unavailable when it fails (templates/web/_loading_image.html).
for (const frame of document.querySelectorAll("[data-image-frame]")) {
  const image = frame.querySelector("img");
  const status = frame.querySelector(".image-status");
  const loaded = () => {
    frame.dataset.state = "loaded";
    status.textContent = "";
  };
  const failed = () => {
    frame.dataset.state = "failed";
    status.textContent = frame.dataset.failedLabel;
  };
  // A module runs after parsing: the image may have finished (or failed) already.
  if (image.complete && image.currentSrc) {
    if (image.naturalWidth) loaded(); else failed();
  } else {
    image.addEventListener("load", loaded, { once: true });
    image.addEventListener("error", failed, { once: true });
  }
}
