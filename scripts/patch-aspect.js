// as-pect 8.1.0's transform hard-codes the AssemblyScript compiler's NodeKind numbers of 0.27.x.
// From AssemblyScript 0.28.17 on those numbers moved, and `expect<SomeClass>` stops compiling
// (TS2339 __aspectStrictEquals). Rewrite them from the installed compiler, so the test toolchain
// runs on the same (latest) AssemblyScript that users install. Idempotent; a no-op when as-pect is
// absent (production installs).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let file;
try {
  file = require.resolve("@as-pect/transform/lib/index.js");
} catch {
  process.exit(0);
}
if (!existsSync(file)) process.exit(0);
const { NodeKind } = await import("assemblyscript");
const src = readFileSync(file, "utf8");
const out = src
  .replace(/kind === \d+ \/\* NodeKind\.ClassDeclaration \*\//, `kind === ${NodeKind.ClassDeclaration} /* NodeKind.ClassDeclaration */`)
  .replace(/kind === \d+ \/\* NodeKind\.NamespaceDeclaration \*\//, `kind === ${NodeKind.NamespaceDeclaration} /* NodeKind.NamespaceDeclaration */`);
if (out !== src) {
  writeFileSync(file, out);
  console.log(`patch-aspect: NodeKind numbers set to ${NodeKind.ClassDeclaration}/${NodeKind.NamespaceDeclaration}`);
}
