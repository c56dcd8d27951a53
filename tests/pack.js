// The package as a user gets it, for tests/package.test.js and tests/doc-snippets.test.js:
// `npm pack`, then `npm install <tarball>` in a new project (no --ignore-scripts, so an install
// script that a consumer cannot run fails), with helpers to write files and run commands there.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
// The npm that runs `npm test` (npm_execpath), not the first on PATH: npm scripts put
// node_modules/.bin first, and a dev dependency of as-pect brings an npm 6 there.
const besideNode = join(dirname(process.execPath), "../lib/node_modules/npm/bin/npm-cli.js");
const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath
  : existsSync(besideNode) ? besideNode : null;
export const npmCmd = (args) => (npmCli ? [process.execPath, [npmCli, ...args]] : [process.platform === "win32" ? "npm.cmd" : "npm", args]);

/** Runs a command; asserts it succeeded; returns its stdout. */
export function sh(cmd, args, cwd, what) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}${r.error ?? ""}`);
  return r.stdout;
}

/** Packs this tree and makes an empty project. `install(spec)` installs the tarball where spec
 *  names "as-buddy" (with the AssemblyScript it compiles with); files and commands are relative
 *  to the project. `cleanup()` removes it all. */
export function packProject() {
  const dir = mkdtempSync(join(tmpdir(), "as-buddy-pack-"));
  const packed = JSON.parse(sh(...npmCmd(["pack", "--ignore-scripts", "--json", "--pack-destination", dir]), ROOT, "npm pack"));
  const tarball = join(dir, packed[0].filename);
  const project = join(dir, "app");
  mkdirSync(project);
  const write = (rel, text) => {
    mkdirSync(dirname(join(project, rel)), { recursive: true });
    writeFileSync(join(project, rel), text);
  };
  write("package.json", JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module" }, null, 2));
  /** `npm install <args>` with "as-buddy" meaning the tarball, as a user runs it. */
  const npmInstall = (args) => sh(...npmCmd(["install", "--prefer-offline", "--no-audit", "--no-fund",
    ...args.map((a) => (a === "as-buddy" ? tarball : a)), `assemblyscript@${own.devDependencies.assemblyscript}`]), project, `npm install ${args.join(" ")}`);
  return {
    dir, project, tarball, write, npmInstall,
    installed: join(project, "node_modules/as-buddy"),
    run: (cmd, args, what = `${cmd} ${args.join(" ")}`) => sh(cmd, args, project, what),
    asc: (args, what = `asc ${args.join(" ")}`) => sh(process.execPath, [join(project, "node_modules/assemblyscript/bin/asc.js"), ...args], project, what),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
