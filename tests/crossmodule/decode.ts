// For the layout reader's decoder (bindings/src/wasm-layout.ts): SIMD and sign-extension
// instructions with immediates of every shape, before a memory.grow that only
// a decoder that kept its place finds. Built with and without GROW.
export function simd(p: usize, q: usize): i32 {
  let a = v128.load(p);
  let b = i8x16.shuffle(a, v128.load(q, 16), 0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31);
  let c = i32x4.replace_lane(b, 2, 7);
  v128.store(p, v128.add<i32>(c, i32x4.splat(<i32>(<i8>q))), 32);
  memory.copy(p + 64, q, 16);
  memory.fill(q, 0, 8);
  let r = i32x4.extract_lane(c, 3) + <i32>f64x2.extract_lane(f64x2.splat(1.5), 1);
  if (isDefined(GROW)) r += memory.grow(1);
  return r;
}
