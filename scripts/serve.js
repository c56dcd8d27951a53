// A static file server for every page of the project (the browser benchmark, the browser tests,
// the heap viewer): serves the repository on 127.0.0.1 (an ephemeral port), with the headers
// that give pages cross-origin isolation (finer performance.now(), SharedArrayBuffer) and the
// wasm MIME type, and an import map for the pages that ask for one. Only files under the repository root. Browsers: scripts/browser.js.
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json", ".svg": "image/svg+xml", ".css": "text/css" };

export async function serve(root = process.cwd(), port = 0, { importMap: map = null } = {}) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const file = path.resolve(base, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(base + path.sep)) { res.writeHead(403).end(); return; }
    try {
      let body = await readFile(file);
      // An import map, where a page marks its place (scripts/bench/page.html).
      if (map && file.endsWith(".html")) {
        body = body.toString("utf8").replace("<!-- The import map", `<script type="importmap">${JSON.stringify(map)}</script>\n<!-- The import map`);
      }
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
