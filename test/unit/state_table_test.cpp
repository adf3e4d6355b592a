// The shared table of generator states: all-zero bytes are an empty table, one slot per
// layout and epoch, a full table says so, and concurrent claims agree on the slot.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "core/state_table.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;
using test::kMinimal;
using test::kTwitter;

// A table in zeroed memory, as shared memory hands it out: nothing is constructed.
class ZeroedTable {
 public:
  ZeroedTable() { std::memset(bytes_, 0, sizeof(bytes_)); }
  StateTable* get() { return reinterpret_cast<StateTable*>(bytes_); }

 private:
  alignas(StateTable) unsigned char bytes_[sizeof(StateTable)];
};

// The same layout and epoch find the same slot, which holds them and a zero state.
TEST(StateTableTest, SameLayoutAndEpochFindSameSlot) {
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  StateSlot* a = table->find_or_claim(kTwitter, kEpoch);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->layout == kTwitter);
  EXPECT_EQ(a->epoch_ms, kEpoch);
  EXPECT_EQ(a->state.load(), 0u);
  EXPECT_EQ(table->find_or_claim(Layout{41, 5, 5, 12}, kEpoch), a);
  EXPECT_EQ(table->used.load(), 1u);
}

// Layouts that split the node bits differently can write the same bits: they share a slot.
TEST(StateTableTest, LayoutsDifferingOnlyInNodeSplitShareSlot) {
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  StateSlot* twitter = table->find_or_claim(kTwitter, kEpoch);
  EXPECT_EQ(table->find_or_claim(Layout{41, 0, 10, 12}, kEpoch), twitter);  // single_dc
  EXPECT_EQ(table->find_or_claim(Layout{41, 10, 0, 12}, kEpoch), twitter);
  EXPECT_NE(table->find_or_claim(Layout{41, 3, 3, 16}, kEpoch), twitter);  // high_throughput
  EXPECT_NE(table->find_or_claim(Layout{42, 4, 5, 12}, kEpoch), twitter);
  EXPECT_EQ(table->used.load(), 3u);
}

// A different layout, or the same layout with another epoch, gets a slot of its own.
TEST(StateTableTest, DifferentLayoutOrEpochGetsOwnSlot) {
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  StateSlot* twitter = table->find_or_claim(kTwitter, kEpoch);
  StateSlot* minimal = table->find_or_claim(kMinimal, kEpoch);
  StateSlot* other_epoch = table->find_or_claim(kTwitter, kEpoch + 1);
  ASSERT_NE(twitter, nullptr);
  ASSERT_NE(minimal, nullptr);
  ASSERT_NE(other_epoch, nullptr);
  EXPECT_NE(twitter, minimal);
  EXPECT_NE(twitter, other_epoch);
  EXPECT_NE(minimal, other_epoch);
  EXPECT_EQ(table->used.load(), 3u);
}

// The state a slot holds persists: finding the slot again sees what was stored.
TEST(StateTableTest, SlotStateIsShared) {
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  table->find_or_claim(kMinimal, kEpoch)->state.store(123456);
  EXPECT_EQ(table->find_or_claim(kMinimal, kEpoch)->state.load(), 123456u);
}

// After 64 distinct claims the table is full: a new key gets nullptr, old keys still resolve.
TEST(StateTableTest, FullTableReturnsNull) {
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  std::vector<StateSlot*> slots;
  for (std::int64_t epoch = 0; epoch < 64; ++epoch) {
    StateSlot* slot = table->find_or_claim(kMinimal, epoch);
    ASSERT_NE(slot, nullptr) << "epoch " << epoch;
    slots.push_back(slot);
  }
  EXPECT_EQ(std::set<StateSlot*>(slots.begin(), slots.end()).size(), 64u);
  EXPECT_EQ(table->used.load(), 64u);
  EXPECT_EQ(table->find_or_claim(kMinimal, 64), nullptr);
  EXPECT_EQ(table->find_or_claim(kTwitter, 0), nullptr);
  EXPECT_EQ(table->find_or_claim(kMinimal, 17), slots[17]);
  EXPECT_EQ(table->used.load(), 64u);
}

// A value-initialised table works the same as a zeroed one.
TEST(StateTableTest, ValueInitialisedTable) {
  auto table = std::make_unique<StateTable>();
  StateSlot* slot = table->find_or_claim(kTwitter, kEpoch);
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot, &table->slots[0]);
  EXPECT_EQ(table->find_or_claim(kTwitter, kEpoch), slot);
}

// Threads claiming the same layout and epoch at once all get the same slot.
TEST(StateTableTest, ConcurrentClaimsAgree) {
  constexpr int kThreads = 8;
  auto zeroed = std::make_unique<ZeroedTable>();
  StateTable* table = zeroed->get();
  std::atomic<bool> go{false};
  std::vector<StateSlot*> shared(kThreads, nullptr);
  std::vector<StateSlot*> own(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      const std::size_t i = static_cast<std::size_t>(t);
      shared[i] = table->find_or_claim(kTwitter, kEpoch);
      own[i] = table->find_or_claim(kMinimal, t);  // a key no other thread uses
    });
  }
  go.store(true);
  for (std::thread& thread : threads) thread.join();

  ASSERT_NE(shared[0], nullptr);
  for (StateSlot* slot : shared) EXPECT_EQ(slot, shared[0]);
  std::set<StateSlot*> distinct(own.begin(), own.end());
  distinct.insert(shared[0]);
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads) + 1);
  EXPECT_EQ(distinct.count(nullptr), 0u);
  EXPECT_EQ(table->used.load(), static_cast<std::uint32_t>(kThreads) + 1);
}

}  // namespace
}  // namespace flakeid
