// The second runtime benchmark, heavier on allocation than gc-program.ts: per iteration a
// string key, a short linked list of small objects (16-byte payloads) and a Map entry that
// replaces the one made 4096 iterations earlier, so a live set of 4096 entries and their lists
// stays beside a steady stream of garbage. Built with as-buddy's incremental runtime and with
// AssemblyScript's; run(n) does n iterations.

class Node {
  constructor(public key: i32, public next: Node | null) {}
}

export function run(n: i32): i32 {
  let total = 0;
  let live = new Map<string, Node>();
  for (let i = 0; i < n; i++) {
    let key = "k" + (i & 4095).toString();
    let head = new Node(i, null);
    for (let j = 1; j < 4; j++) head = new Node(i + j, head);
    live.set(key, head);
    let label = key + ":" + i.toString();
    total += label.length + live.size + head.key;
  }
  return total;
}
