// On every page: the language menu switches as soon as a language is chosen (its button is
// for visitors without JavaScript).
for (const select of document.querySelectorAll("[data-autosubmit-language]")) {
  select.form.querySelector("button").hidden = true;
  select.addEventListener("change", () => select.form.requestSubmit());
}
