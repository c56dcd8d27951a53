// A minimal wasi_snapshot_preview1 for the benchmark's WASI command modules: arguments, the
// monotonic clock, writes to stdout, and exit. The benchmark measures through this shim because
// Node 20's node:wasi crashes the process now and then on modules whose memory grows to
// hundreds of MiB (a GC finalizes its WASI object during fd_write; see engine-wasi.js). The
// modules are unchanged: node:wasi runs them (tests/bench.test.js) and wasmtime would.
class Exit extends Error {
  constructor(code) { super(`exit ${code}`); this.code = code; }
}

export function runCommand(module, args) {
  let memory = null;
  let stdout = "";
  const argv = args.map((a) => new TextEncoder().encode(`${a}\0`));
  const view = () => new DataView(memory.buffer);
  const wasi = {
    args_sizes_get(countPtr, sizePtr) {
      view().setUint32(countPtr, argv.length, true);
      view().setUint32(sizePtr, argv.reduce((n, a) => n + a.length, 0), true);
      return 0;
    },
    args_get(argvPtr, bufPtr) {
      for (const [i, a] of argv.entries()) {
        view().setUint32(argvPtr + 4 * i, bufPtr, true);
        new Uint8Array(memory.buffer, bufPtr, a.length).set(a);
        bufPtr += a.length;
      }
      return 0;
    },
    environ_sizes_get(countPtr, sizePtr) { view().setUint32(countPtr, 0, true); view().setUint32(sizePtr, 0, true); return 0; },
    environ_get() { return 0; },
    clock_time_get(id, precision, timePtr) {
      view().setBigUint64(timePtr, process.hrtime.bigint(), true);
      return 0;
    },
    fd_write(fd, iovs, count, writtenPtr) {
      let n = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true), len = view().getUint32(iovs + 8 * i + 4, true);
        if (fd === 1) stdout += new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len));
        n += len;
      }
      view().setUint32(writtenPtr, n, true);
      return 0;
    },
    fd_fdstat_get(fd, statPtr) { new Uint8Array(memory.buffer, statPtr, 24).fill(0); view().setUint8(statPtr, 2); return 0; }, // character device
    fd_seek() { return 70; }, // ESPIPE
    fd_close() { return 0; },
    proc_exit(code) { throw new Exit(code); },
  };
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi });
  memory = instance.exports.memory;
  let code = 0;
  try { instance.exports._start(); } catch (e) { if (e instanceof Exit) code = e.code; else throw e; }
  return { code, stdout };
}
