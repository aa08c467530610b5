// Drawing the search area on the map as a rectangle, in three ways: dragging with a mouse, a
// finger or a pen (pointer events, so touch screens work too), or with the keyboard (arrow
// keys move a rectangle, Shift+arrow keys resize it, Enter applies it). Esc cancels.
// `onDrawn([west, south, east, north])` receives the rectangle in degrees; `onCancel()` is
// called when drawing stops without one (to show the area in force again).

const MIN_PIXELS = 4;  // a tap or a click without a drag draws nothing
const KEY_STEP = 0.1;  // one arrow key press moves or resizes by a tenth of the map's size
const HANDLERS = ["dragPan", "dragRotate", "boxZoom", "doubleClickZoom", "touchZoomRotate", "touchPitch", "keyboard"];

export function rectanglePolygon([west, south, east, north]) {
  return { type: "Polygon", coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] };
}

export function setUpAreaDrawing({ map, button, hint, onDrawn, onCancel }) {
  const container = map.getContainer();
  const surface = map.getCanvasContainer();  // receives the pointer (its own height is 0)
  let drawing = false;
  let drag = null;  // {pointerId, from: [x, y]} while a pointer is down
  let keyed = null;  // [x0, y0, x1, y1] in pixels: the keyboard's rectangle
  let swallowClick = false;

  const show = (pixels) => map.getSource("drawn")?.setData(rectanglePolygon(degrees(pixels)));
  // Pixels to [west, south, east, north], kept inside the world.
  const degrees = ([x0, y0, x1, y1]) => {
    const a = map.unproject([Math.min(x0, x1), Math.max(y0, y1)]);
    const b = map.unproject([Math.max(x0, x1), Math.min(y0, y1)]);
    const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
    return [clamp(a.lng, 180), clamp(a.lat, 90), clamp(b.lng, 180), clamp(b.lat, 90)];
  };
  const finish = (pixels) => {
    const [x0, y0, x1, y1] = pixels;
    if (Math.abs(x1 - x0) < MIN_PIXELS || Math.abs(y1 - y0) < MIN_PIXELS) return;
    const bounds = degrees(pixels);
    setDrawing(false);
    onDrawn(bounds);
  };

  function setDrawing(on) {
    drawing = on;
    drag = null;
    keyed = null;
    button.setAttribute("aria-pressed", String(on));
    container.classList.toggle("drawing", on);
    hint.textContent = on ? hint.dataset.text : "";
    hint.hidden = !on;
    // The map's own gestures and keys would pan and zoom under the drawing.
    for (const name of HANDLERS) {
      if (on) map[name]?.disable(); else map[name]?.enable();
    }
  }

  button.addEventListener("click", () => {
    setDrawing(!drawing);
    if (!drawing) onCancel();
  });
  const cancel = () => {
    setDrawing(false);
    onCancel();
  };

  // A pointer pressed on the map starts a rectangle; it follows the pointer until released.
  surface.addEventListener("pointerdown", (event) => {
    if (!drawing || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    surface.setPointerCapture(event.pointerId);
    const rect = map.getCanvas().getBoundingClientRect();
    drag = { pointerId: event.pointerId, from: [event.clientX - rect.left, event.clientY - rect.top] };
  });
  surface.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const rect = map.getCanvas().getBoundingClientRect();
    show([...drag.from, event.clientX - rect.left, event.clientY - rect.top]);
  });
  surface.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const rect = map.getCanvas().getBoundingClientRect();
    const pixels = [...drag.from, event.clientX - rect.left, event.clientY - rect.top];
    drag = null;
    swallowClick = true;  // the click that ends a drawing is not a click on a footprint
    finish(pixels);
  });
  surface.addEventListener("pointercancel", () => { drag = null; });
  container.addEventListener("click", (event) => {
    if ((swallowClick || drawing) && surface.contains(event.target)) event.stopPropagation();
    swallowClick = false;
  }, true);
  // (Touch screens scroll the page from the map unless told not to while drawing: CSS
  // `.map.drawing canvas { touch-action: none }`.)

  // The keyboard: on the Draw button or the map, arrows move, Shift+arrows resize, Enter applies.
  const onKey = (event) => {
    if (!drawing) return;
    const { width, height } = map.getCanvas().getBoundingClientRect();
    if (event.key === "Enter" && keyed) {
      event.preventDefault();  // not a click on the Draw button
      finish(keyed);
      return;
    }
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    keyed ??= [width / 4, height / 4, (3 * width) / 4, (3 * height) / 4];
    const [dx, dy] = moves[event.key].map((m, i) => m * KEY_STEP * (i ? height : width));
    const [x0, y0, x1, y1] = keyed;
    keyed = event.shiftKey
      ? [x0, y0, Math.max(x0 + MIN_PIXELS, x1 + dx), Math.max(y0 + MIN_PIXELS, y1 + dy)]
      : [x0 + dx, y0 + dy, x1 + dx, y1 + dy];
    show(keyed);
  };
  button.addEventListener("keydown", onKey);
  container.addEventListener("keydown", onKey, true);
  // Esc cancels wherever the focus is.
  document.addEventListener("keydown", (event) => {
    if (drawing && event.key === "Escape") {
      event.preventDefault();
      cancel();
    }
  });

  return { isDrawing: () => drawing };
}
