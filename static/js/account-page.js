// The account page: copy a new API token's secret.
import { setUpCopyButtons } from "./ui.js";

setUpCopyButtons();
