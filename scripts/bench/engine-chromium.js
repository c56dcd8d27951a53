// Runs the benchmark suite in headless Chromium (Debian's, driven by playwright-core).
import os from "node:os";
import { execSync } from "node:child_process";
import { serve, importMap, launchChromium } from "./serve.js";

export async function run(options) {
  const { browser, reason } = await launchChromium();
  if (!browser) { options.log(`skipped: ${reason}`); return null; }
  const server = await serve();
  try {
    const page = await browser.newPage();
    page.on("console", (m) => { if (m.type() === "log") options.log(m.text()); });
    page.on("pageerror", (e) => options.log(`page error: ${e.message}`));
    const map = await importMap();
    await page.route(/page\.html$/, async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace("<!-- The import map", `<script type="importmap">${JSON.stringify(map)}</script>\n<!-- The import map`);
      await route.fulfill({ response: res, body: html });
    });
    await page.goto(`${server.url}/scripts/bench/page.html`);
    await page.waitForFunction(() => typeof window.runBench === "function");
    const { log, ...opts } = options;
    void log;
    const result = await page.evaluate((o) => window.runBench(o), opts);
    let commit = "unknown";
    try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
    return {
      meta: { engine: { name: "chromium (V8)", version: browser.version() }, cpu: os.cpus()[0]?.model, cores: os.cpus().length, commit, date: new Date().toISOString() },
      ...result,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
