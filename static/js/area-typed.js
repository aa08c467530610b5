// The search area typed as four numbers (west, south, east, north in degrees): checked here,
// with a message naming what is wrong, and applied with Enter or the Apply button.
// Messages come from the template's data-* attributes, so they are translated.

const LIMITS = { west: 180, east: 180, south: 90, north: 90 };

// What is wrong with the typed values (a message and the fields to mark), or null.
function problem(values, messages) {
  const missing = Object.keys(values).filter((side) => !Number.isFinite(values[side]));
  if (missing.length) return { message: messages.missing, fields: missing };
  const outside = Object.keys(values).filter((side) => Math.abs(values[side]) > LIMITS[side]);
  if (outside.length) return { message: messages.range, fields: outside };
  if (values.west >= values.east) return { message: messages.westEast, fields: ["west", "east"] };
  if (values.south >= values.north) return { message: messages.southNorth, fields: ["south", "north"] };
  return null;
}

// `initial`: the area in force, [west, south, east, north], or null.
export function setUpTypedArea({ group, initial, onApply }) {
  const inputs = Object.fromEntries(
    [...group.querySelectorAll("input[data-side]")].map((input) => [input.dataset.side, input]),
  );
  if (initial) ["west", "south", "east", "north"].forEach((side, i) => { inputs[side].value = String(initial[i]); });
  const error = group.querySelector("[data-area-error]");
  const messages = error.dataset;

  const apply = () => {
    const values = Object.fromEntries(
      Object.entries(inputs).map(([side, input]) => [side, input.value.trim() === "" ? NaN : Number(input.value)]),
    );
    const wrong = problem(values, messages);
    for (const [side, input] of Object.entries(inputs)) {
      input.setAttribute("aria-invalid", String(Boolean(wrong?.fields.includes(side))));
    }
    error.textContent = wrong ? wrong.message : "";
    error.hidden = !wrong;
    if (wrong) {
      inputs[wrong.fields[0]].focus();
      return;
    }
    onApply([values.west, values.south, values.east, values.north]);
  };

  // Enter in a field applies the area (not the form's implicit submit with the old one).
  for (const input of Object.values(inputs)) {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      event.stopPropagation();
      apply();
    });
  }
  group.querySelector("[data-area-apply]").addEventListener("click", apply);
}
