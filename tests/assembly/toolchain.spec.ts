// Guards the test toolchain itself: as-pect 8.1.0's transform only supports `expect<SomeClass>`
// on AssemblyScript >= 0.28.17 after scripts/patch-aspect.js (npm postinstall) has run.
import { HeapStats } from "../../assembly/index";

describe("as-pect on this AssemblyScript", () => {
  test("compares class instances (the transform is patched)", () => {
    let a = new HeapStats();
    let b = new HeapStats();
    b.totalBytes = 0;
    expect<HeapStats>(a).toStrictEqual(b);
  });
});
