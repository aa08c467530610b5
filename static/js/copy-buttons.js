// Pages whose only script is their "Copy" buttons (the gallery, a code snippet): each puts
// its data-copy text on the clipboard.
import { setUpCopyButtons } from "./ui.js";

setUpCopyButtons();
