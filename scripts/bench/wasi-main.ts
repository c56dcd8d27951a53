// WASI command main for the benchmark (appended by scripts/bench/build.js to a copy of
// driver.ts whose allocator imports are replaced by a peer linked into the same module).
// argv: seed, workload index, the workload's arguments. Runs it once, timed with the
// monotonic clock, and prints "calls ns peakLive memoryBytes failures". It allocates nothing
// itself (no strings), so the allocator under test owns the heap alone.

@external("wasi_snapshot_preview1", "fd_write")
declare function wasi_fd_write(fd: u32, iovs: usize, iovsLen: usize, written: usize): u16;
@external("wasi_snapshot_preview1", "clock_time_get")
declare function wasi_clock_time_get(id: u32, precision: u64, time: usize): u16;
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function wasi_args_sizes_get(count: usize, bytes: usize): u16;
@external("wasi_snapshot_preview1", "args_get")
declare function wasi_args_get(argv: usize, buffer: usize): u16;

const scratch = memory.data(4096, 16);
const SCRATCH_ARGV: usize = 64;   // up to 32 argument pointers
const SCRATCH_ARGS: usize = 1024; // argument bytes
const SCRATCH_OUT: usize = 3072;  // the output line

function clockNs(): u64 {
  wasi_clock_time_get(1, 1, scratch); // 1 = monotonic
  return load<u64>(scratch);
}

function argCount(): u32 {
  wasi_args_sizes_get(scratch, scratch + 4);
  let n = load<u32>(scratch);
  if (n > 32 || load<u32>(scratch + 4) > 2048) unreachable(); // too many or too long
  wasi_args_get(scratch + SCRATCH_ARGV, scratch + SCRATCH_ARGS);
  return n;
}

function argInt(i: u32): u32 {
  let p = load<u32>(scratch + SCRATCH_ARGV + (<usize>i << 2));
  let v: u32 = 0;
  for (let c = load<u8>(p); c >= 48 && c <= 57; c = load<u8>(++p)) v = v * 10 + (c - 48);
  return v;
}

let outLen: usize = 0;
function putInt(v: u64): void {
  let digits: usize = 0;
  let t = v;
  do { digits++; t /= 10; } while (t);
  for (let i = digits; i > 0; i--) {
    store<u8>(scratch + SCRATCH_OUT + outLen + i - 1, <u8>(48 + v % 10));
    v /= 10;
  }
  outLen += digits;
  store<u8>(scratch + SCRATCH_OUT + outLen++, 32);
}

export function _start(): void {
  argCount();
  let seed = argInt(1);
  let which = argInt(2);
  let a = argInt(3);
  let b = argInt(4);
  let t0 = clockNs();
  let calls: u32 = 0;
  if (which == 0) calls = pairs(a, seed);
  else if (which == 1) calls = churn(a, b, seed);
  else if (which == 2) calls = fill(a, seed);
  else if (which == 3) calls = mixed(a, b, seed);
  else if (which == 4) calls = reallocs(a, b, seed);
  else if (which == 5) calls = random(a, seed);
  else if (which == 6) calls = reallocmix(a, b, seed);
  else if (which == 7) calls = trace(a, b, seed);
  else if (which == 8) calls = powerlaw(a, b, seed);
  else if (which == 9) calls = uniform(a, b, seed);
  let ns = clockNs() - t0;
  outLen = 0;
  putInt(calls);
  putInt(ns);
  putInt(<u64>peakLiveBytes());
  putInt(<u64>memory.size() << 16);
  putInt(failedCalls());
  store<u8>(scratch + SCRATCH_OUT + outLen - 1, 10);
  store<u32>(scratch, <u32>(scratch + SCRATCH_OUT));
  store<u32>(scratch + 4, <u32>outLen);
  wasi_fd_write(1, scratch, 1, scratch + 8);
}
