// Runs the benchmark suite in a headless browser (scripts/browser.js: Chromium or Firefox):
// scripts/bench/page.html loads the suite, the modules and the bindings from the repository,
// served on loopback with an import map for @thi.ng/malloc.
import os from "node:os";
import { execSync } from "node:child_process";
import { serve, importMap } from "../serve.js";
import { launchBrowser } from "../browser.js";

export async function runInBrowser(name, options) {
  const { browser, reason } = await launchBrowser(name);
  if (!browser) { options.log(`skipped: ${reason}`); return null; }
  const server = await serve(process.cwd(), 0, { importMap: await importMap() });
  try {
    const page = await browser.newPage();
    page.on("console", (m) => { if (m.type() === "log") options.log(m.text()); });
    page.on("pageerror", (e) => options.log(`page error: ${e.message}`));
    await page.goto(`${server.url}/scripts/bench/page.html`);
    await page.waitForFunction(() => typeof window.runBench === "function");
    const { log, ...opts } = options;
    void log;
    const result = await page.evaluate((o) => window.runBench(o), opts);
    let commit = "unknown";
    try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
    return {
      meta: { engine: { name: browser.name, version: browser.version }, cpu: os.cpus()[0]?.model, cores: os.cpus().length, commit, date: new Date().toISOString() },
      ...result,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
