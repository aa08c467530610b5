// The share form's name field suggests users or groups while the owner types: after a pause,
// the names that start with what was typed (from /collections/<c>/share/names/) fill the
// field's <datalist>, which the browser offers as a list under the field (keyboard included).
const form = document.getElementById("share-form");
if (form) {
  const input = form.elements.name;
  const list = document.getElementById(input.getAttribute("list"));
  const MIN = 2; // the server refuses shorter starts (catalog/sharing.py NAME_PREFIX_MIN)
  let timer;
  let controller;

  const kind = () => form.querySelector('input[name="kind"]:checked')?.value || "user";

  const suggest = async () => {
    const typed = input.value.trim();
    controller?.abort();
    if (typed.length < MIN) {
      list.replaceChildren();
      return;
    }
    controller = new AbortController();
    const url = `${form.dataset.namesUrl}?${new URLSearchParams({ kind: kind(), q: typed })}`;
    try {
      const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
      if (!response.ok) return;
      const { names } = await response.json();
      list.replaceChildren(
        ...names.map((name) => Object.assign(document.createElement("option"), { value: name })),
      );
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  // Users and groups are different names: a change of kind asks again.
  for (const radio of form.querySelectorAll('input[name="kind"]')) {
    radio.addEventListener("change", suggest);
  }
}
