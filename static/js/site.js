// On every page: the language menu switches as soon as a language is chosen (its button is
// for visitors without JavaScript).
for (const select of document.querySelectorAll("[data-autosubmit-language]")) {
  select.form.querySelector("button").hidden = true;
  select.addEventListener("change", () => select.form.requestSubmit());
}

// The header's menu button (shown by the stylesheet on narrow screens once this has run): it
// folds the main links away and opens them over the page. Without JavaScript the button stays
// hidden and the links show.
const header = document.querySelector(".site-header");
const menuButton = header?.querySelector(".menu-toggle");
if (menuButton) {
  const menu = document.getElementById(menuButton.getAttribute("aria-controls"));
  const setOpen = (open) => menuButton.setAttribute("aria-expanded", String(open));
  header.dataset.menu = "";
  menuButton.addEventListener("click", () => {
    setOpen(menuButton.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and puts focus back on its button.
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      menuButton.focus();
    }
  });
  // Focus or a click elsewhere closes it, as with any menu laid over the page.
  document.addEventListener("focusin", (event) => {
    if (!header.contains(event.target)) setOpen(false);
  });
  document.addEventListener("click", (event) => {
    if (!menu.contains(event.target) && !menuButton.contains(event.target)) setOpen(false);
  });
}
