/* A freestanding C guest beside two AssemblyScript guests on one as-buddy heap
 * (tests/crossmodule.test.js): it reads the message blocks they make, answers with blocks of
 * its own, and frees theirs. Linked at --global-base=196608 so that its data and stack do not
 * overlap theirs. */
#include <stddef.h>
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("as-buddy"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(malloc) void *malloc(size_t size);
IMPORT(free) void free(void *ptr);

static char prefix[] = "C saw: ";
static uint32_t table[4096] = {1}; /* static data of some size, checked at the end */

/* Takes a message block [length u32][bytes] made by another module: returns a new block
 * "C saw: <bytes>" of its own, and frees the one it was given. */
EXPORT(reply) uint32_t *reply(uint32_t *message) {
  uint32_t n = message[0];
  uint32_t p = sizeof prefix - 1;
  uint32_t *out = malloc(4 + p + n);
  unsigned char *dst = (unsigned char *)(out + 1);
  const unsigned char *src = (const unsigned char *)(message + 1);
  for (uint32_t i = 0; i < p; i++) dst[i] = (unsigned char)prefix[i];
  for (uint32_t i = 0; i < n; i++) dst[p + i] = src[i];
  out[0] = p + n;
  free(message);
  for (uint32_t i = 1; i < 4096; i++) table[i] = table[i - 1] * 3 + i;
  return out;
}

EXPORT(table_sum) uint32_t table_sum(void) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < 4096; i++) s ^= table[i];
  return s;
}
