// The browsers the benchmark and the tests drive, behind one small page API (the part of
// Playwright's that they use), whichever library drives which browser:
//   chromium  Debian's `chromium`, through playwright-core (Chrome DevTools Protocol)
//   firefox   Debian's `firefox-esr`, through puppeteer-core (WebDriver BiDi): Playwright drives
//             only its own patched Firefox build, which cannot be installed here
// A browser that is missing is reported by scripts/system-tools.js, with its Debian package.
import { missing } from "./system-tools.js";

export const BROWSERS = ["chromium", "firefox"];

/** The page API: goto, waitForFunction, evaluate, click, selectOption, count(selector),
 *  screenshot({ path, fullPage }), on("console" | "pageerror"). */
function playwrightPage(page) {
  return {
    goto: (url) => page.goto(url),
    waitForFunction: (fn, arg, options) => page.waitForFunction(fn, arg, options),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    selectOption: (selector, value) => page.selectOption(selector, value),
    count: (selector) => page.locator(selector).count(),
    screenshot: (options) => page.screenshot(options),
    on: (event, handler) => page.on(event, handler),
  };
}

function puppeteerPage(page) {
  return {
    goto: (url) => page.goto(url),
    waitForFunction: (fn, arg, options = {}) => page.waitForFunction(fn, { timeout: options.timeout ?? 30000 }, arg),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    selectOption: (selector, value) => page.select(selector, value),
    count: (selector) => page.$$eval(selector, (els) => els.length),
    screenshot: (options) => page.screenshot(options),
    on: (event, handler) => page.on(event, handler),
  };
}

/** Launches `name` headless: { browser: { name, version, newPage(viewport?), close() } }, or
 *  { reason } when it cannot. */
export async function launchBrowser(name) {
  if (!BROWSERS.includes(name)) throw new TypeError(`unknown browser ${JSON.stringify(name)}: one of ${BROWSERS.join(", ")}`);
  const why = missing(name);
  if (why) return { reason: why };
  if (name === "chromium") {
    let chromium;
    try { ({ chromium } = await import("playwright-core")); } catch { return { reason: "playwright-core is not installed (npm install)" }; }
    const b = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--js-flags=--expose-gc"],
    });
    return {
      browser: {
        name: "chromium (V8)", version: b.version(),
        newPage: async (viewport) => playwrightPage(await b.newPage(viewport ? { viewport } : {})),
        close: () => b.close(),
      },
    };
  }
  let puppeteer;
  try { puppeteer = (await import("puppeteer-core")).default; } catch { return { reason: "puppeteer-core is not installed (npm install)" }; }
  // protocolTimeout: the benchmark runs the whole suite in one evaluate() call, over three
  // minutes in Firefox (puppeteer's default limit) once emmalloc joined the peers.
  const b = await puppeteer.launch({ browser: "firefox", executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr", headless: true, protocolTimeout: 30 * 60 * 1000 });
  const version = (await b.version()).replace(/^firefox\//, "");
  return {
    browser: {
      name: "firefox (SpiderMonkey)", version,
      newPage: async (viewport) => {
        const page = await b.newPage();
        if (viewport) await page.setViewport(viewport);
        return puppeteerPage(page);
      },
      close: () => b.close(),
    },
  };
}
