// The benchmark in headless Firefox (SpiderMonkey): Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi.
import { runInBrowser } from "./engine-browser.js";

export const run = (options) => runInBrowser("firefox", options);
