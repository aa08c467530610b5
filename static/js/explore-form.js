// The explore form applies its filters on an explicit action only: the Apply button, Enter in
// any field, or a choice picked with the pointer from a list. Typing a date ("06012021") or
// stepping through a closed list with the arrow keys never reloads the page half-way.
// Applying navigates to the form's URL (the URL stays the state: reload, back/forward and
// shared links restore it) without empty parameters, and after the new page loads the focus
// returns to the control the visitor was on, or to the results' count after Apply or paging.
const FOCUS_KEY = "explore-focus";
const STATUS = "status";

const form = document.getElementById("explore-form");
const status = document.querySelector(".result-count");
// Controls of the form, also those outside it (form="explore-form"): sort and page size.
const controls = () => [...form.elements];

function focusTarget(element) {
  if (!element || element === document.body || element.type === "submit") return STATUS;
  if (element.id) return `#${CSS.escape(element.id)}`;
  if (element.name) return `[name="${CSS.escape(element.name)}"]`;
  return STATUS;
}

function rememberFocus(target) {
  try {
    sessionStorage.setItem(FOCUS_KEY, target);
  } catch {
    // Storage may be off (private modes): the page still works, focus starts at the top.
  }
}

function restoreFocus() {
  let target = null;
  try {
    target = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
  } catch {
    return;
  }
  if (!target) return;
  const element = target === STATUS ? status : document.querySelector(target);
  (element || status)?.focus();
}

// The query the form asks for: its fields without the empty ones and the defaults. A new
// dataset has other properties, so the previous one's property filters and order are dropped.
function formQuery(submitter) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form, submitter)) {
    const control = form.elements.namedItem(name);
    if (value !== "" && value !== control?.dataset?.default) params.append(name, value);
  }
  const dataset = form.elements.namedItem("collection");
  const loaded = dataset?.querySelector("option[selected]")?.value ?? "";
  if (dataset && dataset.value !== loaded) {
    for (const name of [...params.keys()]) {
      if (name.startsWith("p.")) params.delete(name);
    }
    const sort = params.get("sort") ?? "";
    if (!["datetime", "-datetime"].includes(sort)) params.delete("sort");
  }
  return params.toString();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  rememberFocus(focusTarget(document.activeElement));
  const query = formQuery(event.submitter);
  window.location.assign(`${form.action.split("?")[0]}${query ? `?${query}` : ""}`);
});

// Lists: a choice picked with the pointer applies at once; from the keyboard, the arrows
// only move the choice and Enter applies it (as Enter does in the text and date fields).
let pickedWithPointer = false;
for (const select of controls().filter((control) => control.matches("select[data-apply-on-pick]"))) {
  select.addEventListener("pointerdown", () => { pickedWithPointer = true; });
  select.addEventListener("keydown", (event) => {
    pickedWithPointer = false;
    if (event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  select.addEventListener("change", () => {
    if (pickedWithPointer) form.requestSubmit();
    pickedWithPointer = false;
  });
}

// Switches that are complete in one action (the preview toggle) apply when changed.
for (const control of controls().filter((control) => control.matches("[data-autosubmit]"))) {
  control.addEventListener("change", () => form.requestSubmit());
}

// A change not applied yet says how to apply it.
const hint = document.getElementById("pending-hint");
form.addEventListener("input", (event) => {
  if (hint && !event.target.matches("[data-autosubmit]")) hint.hidden = false;
});

// Paging and the empty state's suggestions lead to new results: the focus goes to their count.
for (const link of document.querySelectorAll("a[data-focus-status]")) {
  link.addEventListener("click", () => rememberFocus(STATUS));
}

restoreFocus();
