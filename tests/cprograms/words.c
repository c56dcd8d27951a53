/* A C program as users write them, for tests/cprograms.test.js: builds a vocabulary of
 * generated words with libc (snprintf, strdup, strcmp, qsort, a chained hash table), grows
 * arrays with realloc, keeps a large buffer on the stack and a 200 KiB table in static data.
 * Its output must be the same on as-buddy's malloc (c/as-buddy-malloc.c) and on wasi-libc's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 200 KiB of initialised static data: a table the program reads back. */
#define TABLE_WORDS (200 * 1024 / 4)
static uint32_t table[TABLE_WORDS] = { 0x9e3779b9u, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144 };

static uint32_t seed = 12345;
static uint32_t next(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

typedef struct entry { char *word; unsigned count; struct entry *next; } entry;

static unsigned hash(const char *s) { unsigned h = 2166136261u; while (*s) h = (h ^ (unsigned char)*s++) * 16777619u; return h; }

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A buffer on the stack that needs more than clang's default 64 KiB stack. */
static unsigned long stack_sum(unsigned n) {
  volatile unsigned char buf[768 * 1024];
  unsigned long sum = 0;
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * n);
  for (unsigned i = 0; i < sizeof buf; i += 4096) sum += buf[i];
  return sum;
}

int main(void) {
  for (unsigned i = 12; i < TABLE_WORDS; i++) table[i] = table[i - 1] * 31u + table[i - 12];
  size_t buckets = 4096, unique = 0, cap = 16, n = 0;
  entry **map = calloc(buckets, sizeof *map);
  char **words = malloc(cap * sizeof *words);
  char tmp[64];
  for (unsigned i = 0; i < 60000; i++) {
    unsigned len = 2 + next() % 9;
    for (unsigned k = 0; k < len; k++) tmp[k] = "etaoinshrdlu"[(next() ^ table[(i + k) % TABLE_WORDS]) % 12];
    tmp[len] = 0;
    entry **slot = &map[hash(tmp) % buckets];
    while (*slot && strcmp((*slot)->word, tmp)) slot = &(*slot)->next;
    if (*slot) { (*slot)->count++; continue; }
    entry *e = malloc(sizeof *e);
    e->word = strdup(tmp);
    e->count = 1;
    e->next = NULL;
    *slot = e;
    unique++;
    if (n == cap) words = realloc(words, (cap *= 2) * sizeof *words);
    words[n++] = e->word;
  }
  qsort(words, n, sizeof *words, by_text);
  char *report = NULL;
  size_t report_len = 0;
  for (size_t i = 0; i < n; i += n / 8) {
    int m = snprintf(tmp, sizeof tmp, "%s%s", report_len ? "," : "", words[i]);
    report = realloc(report, report_len + (size_t)m + 1);
    memcpy(report + report_len, tmp, (size_t)m + 1);
    report_len += (size_t)m;
  }
  unsigned most = 0;
  const char *top = "";
  for (size_t b = 0; b < buckets; b++)
    for (entry *e = map[b]; e; e = e->next)
      if (e->count > most || (e->count == most && strcmp(e->word, top) < 0)) { most = e->count; top = e->word; }
  printf("unique %zu of 60000, first %s, last %s\n", unique, words[0], words[n - 1]);
  printf("sample %s\n", report);
  printf("most frequent %s (%u), table %u, stack %lu\n", top, most, table[TABLE_WORDS - 1], stack_sum(7));
  for (size_t b = 0; b < buckets; b++)
    for (entry *e = map[b], *next_e; e; e = next_e) { next_e = e->next; free(e->word); free(e); }
  free(map);
  free(words);
  free(report);
  return 0;
}
