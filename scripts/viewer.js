// `npm run viewer`: serves the repository and prints the viewer's address
// (scripts/viewer/index.html). The page loads bindings/dist and build/as-buddy.wasm: they are
// built first if missing. PORT picks the port (default 8080; 0 for any free one).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { serve } from "./serve.js";

if (!["bindings/dist/index.js", "build/as-buddy.wasm"].every((f) => existsSync(f))) {
  console.log("building first (npm run build)...");
  if (spawnSync(process.execPath, ["scripts/build.js"], { stdio: "inherit" }).status !== 0) process.exit(1);
}
const server = await serve(process.cwd(), Number(process.env.PORT ?? 8080));
console.log(`as-buddy viewer: ${server.url}/scripts/viewer/index.html  (Ctrl-C stops)`);
