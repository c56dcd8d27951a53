// as-buddy as the memory manager of other AssemblyScript programs (asc --runtime): real
// programs built with each runtime, run in Node through the generated ESM bindings, their
// output compared with AssemblyScript's own incremental runtime (TLSF + itcms).
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// AS_ASC=<path to dist/asc.js> runs these tests with another AssemblyScript (scripts/test.js
// does so with the newest 0.28.x when AS_LATEST=1, as CI does).
const asc = (await import(process.env.AS_ASC ?? "assemblyscript/asc")).default;
const { version } = await import(process.env.AS_ASC ? new URL("../package.json", `file://${process.env.AS_ASC}`).href : "assemblyscript/package.json", { with: { type: "json" } }).then((m) => m.default);

const OUT = fileURLToPath(new URL("../build/test/runtime/", import.meta.url));
const RUNTIMES = {
  "buddy-incremental": "./assembly/runtime/incremental",
  "buddy-minimal": "./assembly/runtime/minimal",
  "buddy-stub": "./assembly/runtime/stub",
  "as-incremental": "incremental",
};

/** Compiles tests/runtime/<program>.ts with a runtime and imports its ESM bindings. */
async function build(program, runtime, extra = [], config = "tests/runtime/asconfig.json") {
  mkdirSync(OUT, { recursive: true });
  // Extra flags make another module: a name of its own (ESM imports are cached by URL).
  const name = `${program}-${runtime ?? "asconfig"}${extra.length ? `-${extra.join("").replace(/[^A-Za-z0-9]/g, "")}` : ""}-${version}`;
  const { error, stderr } = await asc.main([
    `tests/runtime/${program}.ts`, ...(runtime ? ["--runtime", RUNTIMES[runtime]] : []),
    "-o", `${OUT}${name}.wasm`, "--bindings", "esm", "--exportRuntime", "-O2", ...extra,
    // A config of their own: asc would otherwise read the project's asconfig.json (the C module).
    "--config", config,
  ]);
  if (error) throw new Error(`${name}: ${error.message}\n${stderr}`);
  return import(`${OUT}${name}.js`);
}

const FEATURES = ["strings", "arrays", "maps", "cycles", "closures", "typed", "sorting", "rawHeap", "dirtyReuse"];

describe("one program, every runtime, the same output", () => {
  const modules = {};
  before(async () => {
    for (const rt of Object.keys(RUNTIMES)) modules[rt] = await build("features", rt);
  });
  for (const fn of FEATURES) {
    test(`${fn}() on as-buddy's runtimes equals AssemblyScript's incremental runtime`, () => {
      const want = modules["as-incremental"][fn]();
      assert.match(want, /\S/, "the reference produced output");
      for (const rt of ["buddy-incremental", "buddy-minimal", "buddy-stub"]) {
        assert.equal(modules[rt][fn](), want, `${rt}`);
      }
    });
  }
  test("dirtyReuse() really reused the dirtied blocks on as-buddy's runtimes", () => {
    // The incremental GC grows objects by __new + copy, never by __realloc: only the slack
    // scenario applies there. tcms and the stub grow through __realloc: both apply.
    const want = { "buddy-incremental": 1, "buddy-minimal": 3, "buddy-stub": 3 };
    for (const [rt, bits] of Object.entries(want)) {
      modules[rt].dirtyReuse();
      assert.equal(modules[rt].reused(), bits, `${rt}: the scenarios landed in dirty memory`);
    }
  });
  test("strings and typed arrays cross the generated bindings", () => {
    for (const rt of Object.keys(RUNTIMES)) {
      assert.equal(modules[rt].echo("héllo", new Int32Array([1, 2, 3, 40])), "HÉLLO:46", rt);
      assert.deepEqual([...modules[rt].squares(5)], [0, 1, 4, 9, 16], rt);
    }
  });
});

describe("the linked runtime: the same program with every allocation on an as-buddy host's heap", () => {
  let m, reference, guest;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    const out = `${OUT}features-linked-${version}.wasm`;
    const { error, stderr } = await asc.main([
      "tests/runtime/features.ts", "--runtime", "./assembly/runtime/linked", "--importMemory", "-o", out, "-O2",
      "--config", "tests/runtime/asconfig.json",
    ]);
    if (error) throw new Error(stderr.toString());
    const { instantiateGuest } = await import("../bindings/dist/index.js");
    guest = await instantiateGuest(readFileSync(out));
    m = guest.exports;
    reference = await build("features", "as-incremental");
  });
  const lift = (ptr) => {
    ptr >>>= 0;
    const bytes = new Uint32Array(guest.memory.buffer, ptr - 4, 1)[0];
    return new TextDecoder("utf-16le").decode(new Uint8Array(guest.memory.buffer, ptr, bytes));
  };
  for (const fn of FEATURES) {
    test(`${fn}() on the linked runtime equals AssemblyScript's incremental runtime`, () => {
      assert.equal(lift(m[fn]()), reference[fn]());
      guest.heap.check();
    });
  }
  test("the program carries no allocator: its only allocation imports are the host's", () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(`${OUT}features-linked-${version}.wasm`)));
    assert.deepEqual(imports.filter((i) => i.module === "as-buddy").map((i) => i.name).sort(), ["free", "malloc", "realloc"]);
    assert.ok(guest.heap.stats().allocs > 100000, "its objects came from the host");
  });
});

for (const rt of ["buddy-incremental", "buddy-minimal"]) {
  describe(`garbage collection on ${rt}`, () => {
    let m;
    before(async () => { m = await build("gc", rt); });

    test("used bytes return to their baseline after dropping everything and collecting", () => {
      m.__collect();
      const baseline = m.used();
      for (let round = 0; round < 3; round++) {
        assert.equal(m.build(20000), 20000);
        assert.ok(m.used() > baseline + 20000 * 32, "the graph is on the heap");
        m.drop();
        m.__collect();
        assert.equal(m.used(), baseline, `round ${round}: every object freed`);
        assert.equal(m.check(), 0, "heap check");
      }
    });

    test("a churn of 1e6 short-lived objects keeps memory bounded", () => {
      // The minimal GC collects only when the host asks, so collect between slices.
      const slice = 10000;
      m.churn(slice);
      m.__collect();
      const early = m.pages();
      for (let i = 0; i < 1e6 / slice; i++) {
        m.churn(slice);
        if (rt === "buddy-minimal" || i % 10 === 0) m.__collect();
      }
      m.__collect();
      assert.ok(m.pages() <= early * 2 + 16, `pages ${early} -> ${m.pages()}`);
      assert.equal(m.check(), 0);
    });
  });
}

describe("the stub runtime frees explicitly", () => {
  let m;
  before(async () => { m = await build("stubfree", "buddy-stub", ["--maximumMemory", "64"]); });

  test("alloc/free pairs and freed objects do not grow memory", () => {
    const base = m.used();
    m.pairs(100000, 100);
    m.objects(100000);
    assert.equal(m.used(), base);
    assert.ok(m.pages() < 8, `pages ${m.pages()}`);
  });

  test("heap.free of a bad pointer is rejected and the heap stays intact", () => {
    // ok / rejected after four bad frees (two of them into a slot and a block) / after a
    // double free of each / check() code
    assert.equal(m.badFrees(), "true/4/6/0");
  });

  test("running out of memory aborts with a clear message", () => {
    assert.throws(() => m.exhaust(), /as-buddy: out of memory/);
  });
});

for (const rt of ["buddy-incremental", "buddy-minimal"]) {
  // An instance that aborted is not used again (AssemblyScript's own runtimes cannot either:
  // the abort leaves the shadow stack where it was): what must hold is the message and the heap.
  test(`${rt} under --maximumMemory 64: running out aborts with a clear message, the heap intact`, async () => {
    const m = await build("gc", rt, ["--maximumMemory", "64"]);
    assert.throws(() => m.hoard(), /as-buddy: out of memory/);
    assert.ok(m.pages() >= 60 && m.pages() <= 64, `memory grew to its maximum, but for room a growth would need (${m.pages()} pages)`);
    assert.equal(m.check(), 0);
    assert.ok(m.unhoard() > 48, "most of memory was held, a 64 KiB block per buffer");
  });
}

test(`one asconfig line switches a program to as-buddy (AssemblyScript ${version})`, async () => {
  // tests/runtime/asconfig.switch.json: { "options": { "runtime": "./assembly/runtime/incremental" } }
  const m = await build("gc", null, [], "tests/runtime/asconfig.switch.json");
  m.__collect();
  const baseline = m.used();
  m.build(1000);
  assert.ok(m.used() > baseline, "objects live on the as-buddy heap");
  m.drop();
  m.__collect();
  assert.equal(m.used(), baseline);
  assert.equal(m.check(), 0);
});

test("bytes per GC object, measured on the runtime, follow the size classes (every payload 0..4096)", async () => {
  const { classSize, SLAB_MAX } = await import("./model.js");
  const m = await build("objects", "buddy-incremental");
  // A GC object is its 16-byte header and payload; a slot adds 4 bytes, a block 16.
  const rule = (p) => (p + 20 <= SLAB_MAX ? classSize(p + 20) : 2 ** Math.ceil(Math.log2(p + 32)));
  // TLSF (rt/tlsf.ts): block = header 4 + payload rounded up to 16 with the object header, at least 16.
  const tlsf = (p) => 4 + Math.max(12, Math.ceil((p + 16 + 4) / 16) * 16 - 4);
  let atMost = 0;
  let worst = 0;
  let mine = 0;
  let theirs = 0;
  for (let p = 0; p <= 4096; p++) {
    assert.equal(m.bytesPerObject(p, 32), rule(p), `payload ${p}`);
    if (rule(p) <= tlsf(p)) atMost++;
    worst = Math.max(worst, rule(p) / tlsf(p));
    mine += rule(p);
    theirs += tlsf(p);
  }
  // docs/assemblyscript.md's table, both rows.
  const table = [[0, 32, 32], [8, 32, 32], [16, 48, 48], [32, 64, 64], [48, 80, 80], [64, 96, 96], [100, 128, 128],
    [128, 160, 160], [200, 224, 224], [256, 288, 288], [1000, 1024, 1024], [4000, 4032, 4032], [4096, 4608, 4128]];
  for (const [p, mine, theirs] of table) assert.deepEqual([rule(p), tlsf(p)], [mine, theirs], `payload ${p}: docs/assemblyscript.md table`);
  // As docs/assemblyscript.md says: TLSF rounds to 16 bytes, classes to an eighth of a power of two.
  assert.equal(atMost, 685, "payloads that take at most TLSF's bytes");
  assert.ok(worst < 1.16, `at most 1.16x TLSF's bytes: ${worst}`);
  assert.equal((mine / theirs).toFixed(2), "1.05", "1.05x TLSF's bytes over payloads 0..4096");
});

test("runtimeHeap() on AssemblyScript's own runtime or the linked one does not compile (it would set up a second heap)", async () => {
  for (const runtime of ["incremental", "./assembly/runtime/linked"]) {
    const { error, stderr } = await asc.main([
      "tests/runtime/gc.ts", "--runtime", runtime, "-o", `${OUT}gc-wrong-runtime.wasm`, "--config", "tests/runtime/asconfig.json",
    ]);
    assert.ok(error, `${runtime}: the build fails`);
    assert.match(stderr.toString(), /runtimeHeap\(\) needs a compiled-in as-buddy runtime/, runtime);
  }
});
