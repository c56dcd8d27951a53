// The JavaScript error table must match the AssemblyScript enums number for number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ErrorCode, CheckFailure, errorName } from "../bindings/errors.js";

function parseEnum(source, name) {
  const body = new RegExp(`export enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)[1];
  return Object.fromEntries([...body.matchAll(/^\s*([A-Z_]+) = (\d+),/gm)].map((m) => [m[1], Number(m[2])]));
}

const source = readFileSync(new URL("../assembly/errors.ts", import.meta.url), "utf8");

test("ErrorCode in JS equals the AssemblyScript enum", () => {
  assert.deepEqual({ ...ErrorCode }, parseEnum(source, "ErrorCode"));
});

test("CheckFailure in JS equals the AssemblyScript enum", () => {
  assert.deepEqual({ ...CheckFailure }, parseEnum(source, "CheckFailure"));
});

test("errorName names codes and flags unknown ones", () => {
  assert.equal(errorName(7), "DOUBLE_FREE");
  assert.equal(errorName(99), "UNKNOWN(99)");
});
