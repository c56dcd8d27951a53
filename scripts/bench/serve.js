// A static file server for the browser benchmark and browser tests: serves the repository on
// 127.0.0.1 (an ephemeral port), with the headers that give pages cross-origin isolation
// (finer performance.now()) and the wasm MIME type. Only files under the repository root.
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json", ".svg": "image/svg+xml", ".css": "text/css" };

export async function serve(root = process.cwd(), port = 0) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const file = path.resolve(base, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(base + path.sep)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
        "cache-control": "no-store",
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** An import map for the browser: bare @thi.ng/* specifiers (and their subpath exports, which
 *  omit ".js") to files in node_modules, from each package's "exports" map. */
export async function importMap(root = process.cwd()) {
  const { readdir, readFile: read } = await import("node:fs/promises");
  const imports = {};
  const dir = path.join(root, "node_modules/@thi.ng");
  for (const name of await readdir(dir).catch(() => [])) {
    const pkg = JSON.parse(await read(path.join(dir, name, "package.json"), "utf8"));
    for (const [key, value] of Object.entries(pkg.exports ?? { ".": "./index.js" })) {
      const target = typeof value === "string" ? value : value.default ?? value.import;
      if (!target) continue;
      imports[`@thi.ng/${name}${key.slice(1)}`] = `/node_modules/@thi.ng/${name}/${target.replace(/^\.\//, "")}`;
    }
  }
  return { imports };
}

/** Launches Debian's Chromium through playwright-core with the flags this machine needs, or
 *  returns the reason it cannot. */
export async function launchChromium() {
  const { missing } = await import("../system-tools.js");
  if (missing("chromium")) return { reason: missing("chromium") };
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  let chromium;
  try { ({ chromium } = await import("playwright-core")); } catch { return { reason: "playwright-core is not installed" }; }
  const browser = await chromium.launch({
    executablePath, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--js-flags=--expose-gc"],
  });
  return { browser };
}
