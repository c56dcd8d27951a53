// The TypeScript error table must match the AssemblyScript enums and messages exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ErrorCode, CheckFailure, errorName, errorMessage, BuddyError, PoolError, poolErrorMessage } from "../bindings/dist/index.js";

function parseEnum(source, name) {
  const body = new RegExp(`export enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)[1];
  return Object.fromEntries([...body.matchAll(/^\s*([A-Z_]+) = (\d+),/gm)].map((m) => [m[1], Number(m[2])]));
}
const numeric = (e) => Object.fromEntries(Object.entries(e).filter(([k]) => Number.isNaN(Number(k))));
const source = readFileSync(new URL("../assembly/errors.ts", import.meta.url), "utf8");

test("ErrorCode in TypeScript equals the AssemblyScript enum", () => {
  assert.deepEqual(numeric(ErrorCode), parseEnum(source, "ErrorCode"));
});

test("CheckFailure in TypeScript equals the AssemblyScript enum", () => {
  assert.deepEqual(numeric(CheckFailure), parseEnum(source, "CheckFailure"));
});

test("every message equals the AssemblyScript errorMessage()", () => {
  const messages = Object.fromEntries([...source.matchAll(/case ErrorCode\.([A-Z_]+): return "([^"]*)";/g)].map((m) => [m[1], m[2]]));
  assert.equal(Object.keys(messages).length, Object.keys(numeric(ErrorCode)).length);
  for (const [name, text] of Object.entries(messages)) assert.equal(errorMessage(ErrorCode[name]), text, name);
});

test("errorName names codes and flags unknown ones; BuddyError carries code, call and detail", () => {
  assert.equal(errorName(7), "DOUBLE_FREE");
  assert.equal(errorName(99), "UNKNOWN(99)");
  const e = new BuddyError(ErrorCode.CORRUPT, "check()", CheckFailure.LIST_LINKS);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "BuddyError");
  assert.equal(e.code, ErrorCode.CORRUPT);
  assert.match(e.message, /^check\(\): heap check failed.*\[CORRUPT\] \(LIST_LINKS\)$/);
});

test("PoolError and its messages in TypeScript equal the AssemblyScript ones", () => {
  assert.deepEqual(numeric(PoolError), parseEnum(source, "PoolError"));
  const messages = Object.fromEntries([...source.matchAll(/case PoolError\.([A-Z_]+): return "([^"]*)";/g)].map((m) => [m[1], m[2]]));
  assert.equal(Object.keys(messages).length, Object.keys(numeric(PoolError)).length);
  for (const [name, text] of Object.entries(messages)) assert.equal(poolErrorMessage(PoolError[name]), text, name);
  assert.equal(poolErrorMessage(99), "unknown pool error code");
});
