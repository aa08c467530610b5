// Small accessible widgets shared by the pages: tabs (WAI-ARIA tabs pattern, arrow keys move
// between tabs) and copy-to-clipboard buttons.

export function setUpTabs(root = document) {
  for (const tabs of root.querySelectorAll("[data-tabs]")) {
    const buttons = [...tabs.querySelectorAll('[role="tab"]')];
    const select = (chosen) => {
      for (const button of buttons) {
        const selected = button === chosen;
        button.setAttribute("aria-selected", String(selected));
        button.tabIndex = selected ? 0 : -1;
        document.getElementById(button.getAttribute("aria-controls")).hidden = !selected;
      }
    };
    buttons.forEach((button, index) => {
      button.addEventListener("click", () => select(button));
      button.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = buttons[(index + step + buttons.length) % buttons.length];
        select(next);
        next.focus();
      });
    });
  }
}

// Puts ``text`` on the clipboard and says so on the button for a moment.
export async function copyWithFeedback(button, text) {
  button.dataset.label ??= button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = button.dataset.copiedLabel || "Copied";
  } catch {
    button.textContent = button.dataset.failedLabel || "Copy failed";
  }
  setTimeout(() => { button.textContent = button.dataset.label; }, 1500);
}

export function setUpCopyButtons(root = document) {
  for (const button of root.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copyWithFeedback(button, button.dataset.copy));
  }
}
