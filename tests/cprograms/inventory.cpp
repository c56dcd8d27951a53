// A C++ program as users write them, for tests/cprograms.test.js: an inventory of items in
// std::vector<std::unique_ptr<Item>>, indexed by name in a std::map, with std::string
// building and sorting. Every allocation goes through operator new and delete, so through
// malloc and free: on as-buddy's heap with c/as-buddy-malloc.c linked in.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Item {
  std::string name;
  std::vector<int> history;
  Item(std::string n) : name(std::move(n)) {}
};

static unsigned seed = 777;
static unsigned next() { seed = seed * 1664525u + 1013904223u; return seed >> 9; }

int main() {
  std::vector<std::unique_ptr<Item>> items;
  std::map<std::string, Item *> byName;
  for (int round = 0; round < 40000; round++) {
    std::string name = "item-" + std::to_string(next() % 5000);
    auto found = byName.find(name);
    Item *item;
    if (found == byName.end()) {
      items.push_back(std::make_unique<Item>(name));
      item = items.back().get();
      byName.emplace(item->name, item);
    } else {
      item = found->second;
    }
    item->history.push_back(static_cast<int>(next() % 200) - 100);
    if (round % 1000 == 999) {
      // Retire the items whose stock went negative: erase from the index, then free them.
      auto gone = std::remove_if(items.begin(), items.end(), [&](const std::unique_ptr<Item> &it) {
        int stock = 0;
        for (int d : it->history) stock += d;
        if (stock >= -150) return false;
        byName.erase(it->name);
        return true;
      });
      items.erase(gone, items.end());
    }
  }
  std::vector<std::string> names;
  for (auto &it : items) names.push_back(it->name + ":" + std::to_string(it->history.size()));
  std::sort(names.begin(), names.end());
  size_t moves = 0;
  for (auto &it : items) moves += it->history.size();
  std::printf("items %zu, indexed %zu, moves %zu\n", items.size(), byName.size(), moves);
  std::printf("first %s, last %s\n", names.front().c_str(), names.back().c_str());
  return 0;
}
