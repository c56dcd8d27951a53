// Runs the benchmark suite in JavaScriptCore (Safari's engine), through the `jsc` shell from
// Debian's libjavascriptcoregtk-4.0-bin.
import os from "node:os";
import { spawn, spawnSync, execSync } from "node:child_process";
import { missing } from "../system-tools.js";

export async function run(options) {
  const jsc = process.env.JSC ?? "jsc";
  if (missing("jsc")) {
    options.log(`skipped: ${missing("jsc")}`);
    return null;
  }
  const { log, ...opts } = options;
  const child = spawn(jsc, ["-m", "scripts/bench/jsc-main.js", "--", JSON.stringify({ ...opts, root: process.cwd() })]);
  let result = null;
  let buffer = "";
  let errors = "";
  child.stderr.on("data", (d) => { errors += d; });
  child.stdout.on("data", (d) => {
    buffer += d;
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.startsWith("LOG ")) log(line.slice(4));
      else if (line.startsWith("RESULT ")) result = JSON.parse(line.slice(7));
    }
  });
  const code = await new Promise((r) => child.on("close", r));
  if (!result) throw new Error(`jsc exited with ${code} and no result: ${errors}`);
  const version = spawnSync("dpkg-query", ["-W", "-f", "${Version}", "libjavascriptcoregtk-4.0-bin"], { encoding: "utf8" }).stdout || "unknown";
  let commit = "unknown";
  try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
  return {
    meta: { engine: { name: "JavaScriptCore (jsc shell)", version }, cpu: os.cpus()[0]?.model, cores: os.cpus().length, commit, date: new Date().toISOString() },
    ...result,
  };
}
