// The benchmark in headless Chromium (V8): Debian's chromium, driven by playwright-core.
import { runInBrowser } from "./engine-browser.js";

export const run = (options) => runInBrowser("chromium", options);
