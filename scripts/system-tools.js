// The system tools some tests and the benchmark need, with the Debian packages that bring them:
// the one list `.ci/run` installs from (`node scripts/system-tools.js --packages`) and the one
// place a test asks whether a tool is usable. Each probe does what the tests do (a wasm32-wasi
// link, not only `clang --version`), so a missing package is found here, by name, and not as a
// linker error in the middle of a test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}`.trim() };
}

/** Compiles and links a one-line C (or, with clang++, C++) program with `args`; returns null or
 *  the compiler's complaint. */
function link(args, source, compiler = "clang") {
  const dir = mkdtempSync(join(tmpdir(), "as-buddy-probe-"));
  try {
    const file = join(dir, compiler === "clang++" ? "p.cpp" : "p.c");
    writeFileSync(file, source);
    const r = run(compiler, [...args, "-o", join(dir, "p.wasm"), file]);
    return r.ok ? null : r.out.split("\n").slice(-3).join(" ");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Debian 12's clang is clang 14: its wasm32 builtins come in libclang-rt-14-dev-wasm32. */
export const TOOLS = {
  clang: {
    packages: ["clang", "lld"],
    use: "the freestanding C guest of tests/crossmodule",
    probe: () => {
      if (!run("clang", ["--version"]).ok) return "clang is not installed";
      const err = link(["--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=f"], "int f(int x) { return x + 1; }\n");
      return err && `clang cannot link for wasm32: ${err}`;
    },
  },
  "wasi-libc": {
    packages: ["clang", "lld", "wasi-libc", "libclang-rt-14-dev-wasm32"],
    use: "the dlmalloc peer of the benchmark (wasi-libc's malloc)",
    probe: () => {
      if (!run("clang", ["--version"]).ok) return "clang is not installed";
      if (!existsSync("/usr/lib/wasm32-wasi/libc.a")) return "wasi-libc is not installed (/usr/lib/wasm32-wasi/libc.a)";
      const err = link(["--target=wasm32-wasi", "-O2"], "#include <stdlib.h>\nint main(void) { void *p = malloc(8); free(p); return p == 0; }\n");
      return err && `clang cannot link for wasm32-wasi: ${err}`;
    },
  },
  "libc++": {
    packages: ["clang", "lld", "wasi-libc", "libclang-rt-14-dev-wasm32", "libc++-14-dev-wasm32", "libc++abi-14-dev-wasm32"],
    use: "the C++ program of tests/cprograms and its benchmark row (libc++ for wasm32-wasi)",
    probe: () => {
      if (!run("clang++", ["--version"]).ok) return "clang++ is not installed";
      const err = link(["--target=wasm32-wasi", "-O2", "-fno-exceptions"],
        "#include <string>\n#include <vector>\nint main() { std::vector<std::string> v{\"a\"}; return v.size() != 1; }\n", "clang++");
      return err && `clang++ cannot link for wasm32-wasi with libc++: ${err}`;
    },
  },
  chromium: {
    packages: ["chromium"],
    use: "the browser harness of the benchmark, the viewer and Web Workers tests",
    probe: () => (existsSync(process.env.CHROMIUM ?? "/usr/bin/chromium") ? null : `${process.env.CHROMIUM ?? "/usr/bin/chromium"} is not installed`),
  },
  firefox: {
    packages: ["firefox-esr"],
    use: "the Firefox harness of the benchmark, the viewer and Web Workers tests in Firefox",
    probe: () => (existsSync(process.env.FIREFOX ?? "/usr/bin/firefox-esr") ? null : `${process.env.FIREFOX ?? "/usr/bin/firefox-esr"} is not installed`),
  },
  jsc: {
    packages: ["libjavascriptcoregtk-4.0-bin"],
    use: "the JavaScriptCore harness of the benchmark",
    probe: () => (run("which", [process.env.JSC ?? "jsc"]).ok ? null : "the jsc shell is not installed"),
  },
};

/** Every Debian package of every tool, once each, in a stable order. */
export function packages() {
  return [...new Set(Object.values(TOOLS).flatMap((t) => t.packages))];
}

const cache = new Map();
/** null when `name` is usable, else why not, naming the packages to install. */
export function missing(name) {
  const tool = TOOLS[name];
  if (!tool) throw new TypeError(`unknown system tool ${JSON.stringify(name)}: one of ${Object.keys(TOOLS).join(", ")}`);
  if (!cache.has(name)) {
    const why = tool.probe();
    cache.set(name, why && `${why}: ${tool.use} needs Debian's ${tool.packages.join(", ")} (apt-get install ${tool.packages.join(" ")}; .ci/run installs them)`);
  }
  return cache.get(name);
}

/** Throws with the package names where the tool is missing (use inside a test). */
export function requireTool(name) {
  const why = missing(name);
  if (why) throw new Error(process.env.CI ? `required in CI: ${why}` : why);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--packages")) {
    console.log(packages().join(" "));
  } else {
    let bad = 0;
    for (const name of Object.keys(TOOLS)) {
      const why = missing(name);
      if (why) bad++;
      console.log(`${name}: ${why ?? "ok"}`);
    }
    process.exit(bad ? 1 : 0);
  }
}
