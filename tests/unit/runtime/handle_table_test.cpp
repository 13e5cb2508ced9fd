#include "core/handle_table.h"
#include "core/lists.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

using prl::HandleTable;

namespace {

struct Probe : prl::Object {
    explicit Probe(std::atomic<int>* alive) : Object(PHT_STRINGS_LIST), alive_(alive) { ++*alive_; }
    ~Probe() override { --*alive_; }
    std::atomic<int>* alive_;
};

}  // namespace

TEST_CASE("a handle names its object until the last reference goes", "[handles]") {
    auto& table = HandleTable::instance();
    std::atomic<int> alive{0};
    auto object = std::make_shared<Probe>(&alive);
    const auto id = table.issue(object);
    REQUIRE(id != 0);
    REQUIRE(table.issue(object) == id);  // same live object, same handle, one more reference
    object.reset();
    REQUIRE(alive == 1);  // the table keeps it
    PRL_HANDLE_TYPE type;
    REQUIRE(table.type_of(id, &type));
    REQUIRE(type == PHT_STRINGS_LIST);
    REQUIRE(table.release(id));
    REQUIRE(table.type_of(id, &type));
    REQUIRE(table.release(id));
    REQUIRE(alive == 0);
    REQUIRE_FALSE(table.type_of(id, &type));
    REQUIRE_FALSE(table.release(id));  // double free
    REQUIRE_FALSE(table.add_ref(id));
    REQUIRE_FALSE(table.pin(id));
}

TEST_CASE("a reused slot does not accept the old handle", "[handles]") {
    auto& table = HandleTable::instance();
    std::atomic<int> alive{0};
    const auto first = table.issue(std::make_shared<Probe>(&alive));
    REQUIRE(table.release(first));
    const auto second = table.issue(std::make_shared<Probe>(&alive));
    REQUIRE((first & 0xffffffffu) == (second & 0xffffffffu));  // LIFO free list: same slot
    REQUIRE(first != second);
    PRL_HANDLE_TYPE type;
    REQUIRE_FALSE(table.type_of(first, &type));
    REQUIRE(table.release(second));
}

TEST_CASE("forged ids are rejected", "[handles]") {
    auto& table = HandleTable::instance();
    PRL_HANDLE_TYPE type;
    std::mt19937_64 rng(42);
    for (int i = 0; i < 10000; ++i) {
        const auto forged = rng();
        REQUIRE_FALSE(table.type_of(forged, &type));
        REQUIRE_FALSE(table.pin(forged));
    }
    REQUIRE_FALSE(table.type_of(0, &type));
    REQUIRE_FALSE(table.type_of(0xffffffffull, &type));
}

TEST_CASE("a pinned object outlives a concurrent free", "[handles]") {
    auto& table = HandleTable::instance();
    std::atomic<int> alive{0};
    const auto id = table.issue(std::make_shared<Probe>(&alive));
    {
        auto pin = table.pin(id);
        REQUIRE(pin);
        REQUIRE(table.release(id));  // the client's last reference
        REQUIRE(alive == 1);         // still pinned
        REQUIRE_FALSE(table.pin(id));  // but no longer reachable by its handle
    }
    REQUIRE(alive == 0);
}

TEST_CASE("8 threads x 100,000 create / add-ref / get-type / free", "[handles][stress]") {
    auto& table = HandleTable::instance();
    std::atomic<int> alive{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            PRL_HANDLE_TYPE type;
            for (int i = 0; i < 100000; ++i) {
                const auto id = table.issue(std::make_shared<Probe>(&alive));
                if (!table.add_ref(id) || !table.type_of(id, &type) || type != PHT_STRINGS_LIST) ++errors;
                if (!table.release(id) || !table.release(id)) ++errors;
                if (table.type_of(id, &type)) ++errors;
            }
        });
    }
    for (auto& t : threads) t.join();
    REQUIRE(errors == 0);
    REQUIRE(alive == 0);
}

TEST_CASE("concurrent free and use of one handle from two threads never crashes", "[handles][stress]") {
    auto& table = HandleTable::instance();
    std::atomic<int> alive{0};
    for (int round = 0; round < 2000; ++round) {
        const auto id = table.issue(std::make_shared<Probe>(&alive));
        std::atomic<bool> go{false};
        std::atomic<int> wrong{0};
        std::thread user([&] {
            while (!go) {
            }
            for (int i = 0; i < 50; ++i) {
                auto pin = table.pin(id);
                if (pin && pin.get()->type() != PHT_STRINGS_LIST) ++wrong;
            }
        });
        go = true;
        table.release(id);
        table.release(id);  // a double free racing with use: rejected, harmless
        user.join();
        REQUIRE(wrong == 0);
    }
    REQUIRE(alive == 0);
}
