// The gallery: each example's "Copy code" button puts its program on the clipboard.
import { setUpCopyButtons } from "./ui.js";

setUpCopyButtons();
