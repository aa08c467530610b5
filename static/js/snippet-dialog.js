// The "Code snippet" dialog of the explore, collection and item pages. Its code comes from the
// /snippets/ page of the same search (highlighted there by the portal), so the dialog, the
// shareable link and the download always show the same text.
import { copyWithFeedback } from "./ui.js";

const dialog = document.getElementById("snippet-dialog");
const opener = document.querySelector("[data-snippet-open]");

if (dialog && opener) {
  const code = dialog.querySelector("[data-snippet-code]");
  const note = dialog.querySelector("[data-snippet-note]");
  const copy = dialog.querySelector("[data-snippet-copy]");
  const link = dialog.querySelector("[data-snippet-link]");
  const download = dialog.querySelector("[data-snippet-download]");
  const notebook = dialog.querySelector("[data-snippet-notebook]");
  let text = "";
  let shown = null;

  const snippetUrl = (language, format) => {
    const url = new URL(dialog.dataset.url, window.location.href);
    url.searchParams.set("lang", language);
    if (format) url.searchParams.set("format", format);
    return url.href;
  };
  const chosen = () => dialog.querySelector('input[name="snippet-language"]:checked').value;

  async function show(language) {
    shown = language;
    link.href = snippetUrl(language);
    download.href = snippetUrl(language, "text");
    notebook.href = snippetUrl("notebook", "text");
    copy.disabled = true;
    code.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      if (!response.ok) {
        throw new Error(page.querySelector('[role="alert"]')?.textContent || response.status);
      }
      if (language !== shown) return;  // another language was chosen meanwhile
      code.replaceChildren(...page.querySelector("[data-snippet-code]").childNodes);
      note.replaceChildren(...(page.querySelector(".note") ? [page.querySelector(".note")] : []));
      text = page.querySelector("[data-copy]").dataset.copy;
      download.download = page.querySelector("[data-snippet-download]").getAttribute("download");
      notebook.download = page.querySelector("[data-snippet-notebook]").getAttribute("download");
      copy.disabled = false;
    } catch (error) {
      code.textContent = `${dialog.dataset.failedLabel} (${error.message})`;
    } finally {
      code.removeAttribute("aria-busy");
    }
  }

  opener.addEventListener("click", () => {
    dialog.showModal();
    if (shown !== chosen()) show(chosen());
  });
  dialog.querySelector("[data-snippet-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener.focus());
  for (const radio of dialog.querySelectorAll('input[name="snippet-language"]')) {
    radio.addEventListener("change", () => show(radio.value));
  }
  copy.addEventListener("click", () => copyWithFeedback(copy, text));
}
