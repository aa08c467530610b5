// Pages whose only script is their "Copy" buttons (the gallery, a code snippet, the account
// page with a new token): each puts its data-copy text on the clipboard.
import { setUpCopyButtons } from "./ui.js";

setUpCopyButtons();
