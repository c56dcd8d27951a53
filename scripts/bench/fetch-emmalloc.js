// Fetches emmalloc.c, Emscripten's small allocator, from Debian's `emscripten` package into
// build/emscripten/ (the repository holds only code written for it): `apt-get download
// emscripten`, the version checked, then the one file taken out of the package's data archive.
// `node scripts/bench/fetch-emmalloc.js` (.ci/run runs it); the benchmark's build calls
// fetchEmmalloc() and skips the peer, with a one-line note, where the package cannot be had.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const EMMALLOC_DIR = "build/emscripten";
/** The package version emmalloc-peer.c's wrapper was written against (its sbrk and headers). */
export const EMSCRIPTEN_VERSION = /^3\.1\.6(~|$)/;
const FILE = "./usr/share/emscripten/system/lib/emmalloc.c";

/** The path of emmalloc.c, fetched if it is not there yet; { note } when it cannot be had. */
export function fetchEmmalloc() {
  const out = `${EMMALLOC_DIR}/emmalloc.c`;
  if (existsSync(out)) return { path: out };
  mkdirSync(EMMALLOC_DIR, { recursive: true });
  for (const f of readdirSync(EMMALLOC_DIR)) if (f.endsWith(".deb")) rmSync(`${EMMALLOC_DIR}/${f}`);
  const dl = spawnSync("apt-get", ["download", "emscripten"], { cwd: EMMALLOC_DIR, encoding: "utf8" });
  const deb = readdirSync(EMMALLOC_DIR).find((f) => f.endsWith(".deb"));
  if (dl.status !== 0 || !deb) {
    return { note: `emmalloc skipped: \`apt-get download emscripten\` failed (${(dl.stderr || dl.error?.message || "").trim().split("\n").pop()})` };
  }
  try {
    const version = spawnSync("dpkg-deb", ["-f", deb, "Version"], { cwd: EMMALLOC_DIR, encoding: "utf8" }).stdout?.trim();
    if (!EMSCRIPTEN_VERSION.test(version ?? "")) return { note: `emmalloc skipped: Debian's emscripten is ${version || "unreadable"}, the peer's wrapper is for 3.1.6` };
    const tar = spawnSync("sh", ["-c", `dpkg-deb --fsys-tarfile '${deb}' | tar -xO '${FILE}'`], { cwd: EMMALLOC_DIR, maxBuffer: 1 << 24 });
    if (tar.status !== 0 || !tar.stdout?.length) return { note: `emmalloc skipped: ${FILE} not found in ${deb}` };
    writeFileSync(out, tar.stdout);
    writeFileSync(`${EMMALLOC_DIR}/VERSION`, `${version}\n`);
    return { path: out };
  } finally {
    rmSync(`${EMMALLOC_DIR}/${deb}`, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = fetchEmmalloc();
  console.log(r.path ? `emmalloc: ${r.path}` : r.note);
}
