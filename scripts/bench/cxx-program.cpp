// The C++ program of the benchmark's "cxx-program" row (scripts/bench/cxx.js): what a C++
// program compiled to wasm does with its heap, with every allocation through operator new:
// a word index (std::map of std::string to std::vector), records held by std::unique_ptr and
// retired in batches, strings built by concatenation, and a few large buffers (std::vector
// grown by push_back to megabytes) kept alive among the small objects. argv[1] is the round
// count; it prints a checksum, which must be the same on every allocator.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Record {
  std::string key;
  std::vector<unsigned> values;
  std::unique_ptr<Record> child;
};

static unsigned seed = 2463534242u;
static unsigned next() { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }

int main(int argc, char **argv) {
  long rounds = argc > 1 ? std::atol(argv[1]) : 100000;
  std::map<std::string, std::vector<long>> index;
  std::vector<std::unique_ptr<Record>> records;
  std::vector<std::vector<unsigned char>> buffers(4);
  unsigned long checksum = 0;
  for (long i = 0; i < rounds; i++) {
    std::string word = "w";
    for (unsigned k = 1 + next() % 6; k > 0; k--) word += static_cast<char>('a' + next() % 16);
    index[word].push_back(i);
    auto r = std::make_unique<Record>();
    r->key = word + "#" + std::to_string(i);
    r->values.resize(1 + next() % 24, static_cast<unsigned>(i));
    if (next() % 4 == 0) r->child = std::make_unique<Record>();
    records.push_back(std::move(r));
    // A few long-lived buffers grow to megabytes by push_back, as a parser's output would.
    auto &buffer = buffers[i % buffers.size()];
    for (unsigned k = 0; k < 24; k++) buffer.push_back(static_cast<unsigned char>(i + k));
    if (records.size() >= 4096) {
      for (auto &rec : records) checksum += rec->key.size() + rec->values.size() + (rec->child ? 1 : 0);
      records.clear();
    }
    if (i % 20000 == 19999) {
      // Drop the words seen once: most of the index, as a cache would.
      for (auto it = index.begin(); it != index.end();) it = it->second.size() == 1 ? index.erase(it) : std::next(it);
    }
  }
  for (auto &entry : index) checksum = checksum * 31 + entry.first.size() * entry.second.size();
  for (auto &buffer : buffers) checksum += buffer.size() + buffer[buffer.size() / 2];
  std::printf("rounds %ld, words %zu, checksum %lu\n", rounds, index.size(), checksum);
  return 0;
}
