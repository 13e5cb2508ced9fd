// The rules of backup::Storage (lib/backup/storage.h), checked the same way
// against each backend: storage_test.cpp (a directory) and
// rados_storage_test.cpp (a throwaway Ceph cluster).
#pragma once
#include "backup/error.h"
#include "backup/storage.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace prl::test::storage_contract {

using backup::LockMode;
using backup::Storage;
using OpenStorage = std::function<std::unique_ptr<Storage>()>;

inline std::string pattern(size_t n, unsigned seed) {
    std::string s(n, '\0');
    uint32_t x = seed * 2654435761u + 1;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

inline std::vector<std::string> names_in(Storage& s, const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : s.list(dir)) out.push_back(e.is_directory ? e.name + "/" : e.name);
    return out;
}

inline void objects_and_directories(Storage& s) {
    CHECK(s.list("").empty());
    CHECK(s.list("no/such").empty());
    CHECK_FALSE(s.get("a/b/c.xml", 100).has_value());
    CHECK_FALSE(s.stat("a/b/c.xml").has_value());
    CHECK(s.open("a/b/c.xml") == nullptr);

    s.put("a/b/c.xml", "hello");
    s.put("a/b/a.map", "");
    s.put("a/top", "t");
    CHECK(s.get("a/b/c.xml", 100) == std::string("hello"));
    CHECK(s.get("a/b/a.map", 100) == std::string());
    CHECK(names_in(s, "") == std::vector<std::string>{"a/"});
    CHECK(names_in(s, "a") == std::vector<std::string>{"b/", "top"});
    CHECK(names_in(s, "a/b") == std::vector<std::string>{"a.map", "c.xml"});
    auto st = s.stat("a/b/c.xml");
    REQUIRE(st);
    CHECK(st->size == 5);
    auto listed = s.list("a/b");
    CHECK(listed[1].size == 5);
    CHECK(listed[1].version == st->version);
    CHECK_THROWS_AS(s.get("a/b/c.xml", 4), backup::Error);  // larger than allowed
    // Names alone, and objects read with their versions: what a listing without a cache uses.
    std::vector<std::string> plain;
    for (auto& e : s.list_names("a")) plain.push_back(e.is_directory ? e.name + "/" : e.name);
    CHECK(plain == std::vector<std::string>{"b/", "top"});
    std::vector<backup::ObjectInfo> read_as;
    const auto texts = s.get_all("a/b", {"c.xml", "gone", "a.map"}, 100, &read_as);
    REQUIRE(texts.size() == 3);
    CHECK(texts[0] == std::string("hello"));
    CHECK_FALSE(texts[1].has_value());
    CHECK(texts[2] == std::string());
    REQUIRE(read_as.size() == 3);
    CHECK(read_as[0].size == 5);
    CHECK(read_as[0].version == st->version);
    CHECK(read_as[2].version == listed[0].version);

    auto reader = s.open("a/b/c.xml");
    REQUIRE(reader);
    char buf[8] = {};
    CHECK(reader->size() == 5);
    CHECK(reader->read_at(buf, 3, 2) == 3);
    CHECK(std::string(buf, 3) == "llo");
    CHECK(reader->read_at(buf, 8, 4) == 1);
    CHECK(reader->read_at(buf, 8, 5) == 0);

    CHECK(s.remove("a/b/c.xml"));
    CHECK_FALSE(s.remove("a/b/c.xml"));
    CHECK_FALSE(s.get("a/b/c.xml", 100));
    CHECK(names_in(s, "a/b") == std::vector<std::string>{"a.map"});
    s.remove_directory("a/b");  // not empty: stays
    CHECK(names_in(s, "a") == std::vector<std::string>{"b/", "top"});
    CHECK(s.remove("a/b/a.map"));
    s.remove_directory("a/b");
    CHECK(names_in(s, "a") == std::vector<std::string>{"top"});
}

inline void replacing_changes_the_version(Storage& s) {
    s.put("v/meta", "one");
    auto first = s.stat("v/meta");
    s.put("v/meta", "second");
    auto second = s.stat("v/meta");
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->version != second->version);
    CHECK(s.get("v/meta", 100) == std::string("second"));
    CHECK(s.list("v").at(0).version == second->version);
}

inline void uncommitted_is_invisible(Storage& s) {
    {
        auto w = s.create("p/pack1");
        std::string data = pattern(9u << 20, 1);  // several of RADOS's append chunks
        w->append(data.data(), data.size());
        CHECK(w->size() == data.size());
        CHECK_FALSE(s.stat("p/pack1"));
        CHECK(s.open("p/pack1") == nullptr);
        CHECK(s.list("p").empty());
    }  // dropped without commit
    CHECK_FALSE(s.stat("p/pack1"));
    CHECK(s.list("p").empty());

    auto w = s.create("p/pack1");
    std::string data = pattern((9u << 20) + 123, 2);
    for (size_t off = 0; off < data.size(); off += 100000) w->append(data.data() + off, std::min<size_t>(100000, data.size() - off));
    w->commit();
    auto r = s.open("p/pack1");
    REQUIRE(r);
    REQUIRE(r->size() == data.size());
    std::string back(data.size(), '\0');
    size_t got = 0;
    for (uint64_t off = 0; off < data.size(); off += got) {
        got = r->read_at(back.data() + off, std::min<size_t>(1u << 20, data.size() - off), off);
        REQUIRE(got > 0);
    }
    CHECK(back == data);
}

// Frames of a pack land from several threads at offsets reserved up front.
inline void ranged_writes_from_threads(Storage& s) {
    auto w = s.create("packs/0001.pack");
    const size_t piece = 300000;
    std::string data = pattern(16 * piece, 5);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (size_t i = static_cast<size_t>(t); i < 16; i += 4) w->write_at(data.data() + i * piece, piece, i * piece);
        });
    for (auto& t : threads) t.join();
    CHECK(w->size() == data.size());
    w->sync();
    CHECK_FALSE(s.stat("packs/0001.pack"));
    w->commit();
    CHECK(s.get("packs/0001.pack", data.size()) == data);

    // A hole at the end still counts.
    auto h = s.create("packs/0002.pack");
    h->write_at("x", 1, 0);
    h->write_at("y", 1, 9);
    h->commit();
    CHECK(s.get("packs/0002.pack", 100) == std::string("x\0\0\0\0\0\0\0\0y", 10));
}

// A writer never replaces: a name in use stays what it was.
inline void a_writer_never_replaces(Storage& s) {
    s.put("n/taken", "first");
    auto small = s.create("n/taken");
    small->append("x", 1);
    CHECK_THROWS_AS(small->commit(), backup::Error);
    auto large = s.create("n/taken");
    std::string data = pattern(5u << 20, 6);
    CHECK_THROWS_AS((large->append(data.data(), data.size()), large->commit()), backup::Error);
    small.reset();
    large.reset();
    CHECK(s.get("n/taken", 100) == std::string("first"));
    CHECK(names_in(s, "n") == std::vector<std::string>{"taken"});
}

inline void exclusive_commit_has_one_winner(const OpenStorage& open) {
    auto s = open();
    CHECK(s->put_exclusive("c/00000001.xml", "first"));
    CHECK_FALSE(s->put_exclusive("c/00000001.xml", "second"));
    CHECK(s->get("c/00000001.xml", 100) == std::string("first"));
    CHECK(s->list("c").size() == 1);

    // Eight writers, each with its own connection, race for each of 5 names.
    for (int round = 2; round <= 6; ++round) {
        std::string name = "c/0000000" + std::to_string(round) + ".xml";
        std::atomic<int> winners{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                auto mine = open();
                if (mine->put_exclusive(name, "writer " + std::to_string(t))) ++winners;
            });
        }
        for (auto& t : threads) t.join();
        CHECK(winners == 1);
        auto v = s->get(name, 100);
        REQUIRE(v);
        CHECK(v->rfind("writer ", 0) == 0);
    }
    CHECK(s->list("c").size() == 6);
}

inline void locks_exclude(Storage& s) {
    auto a = s.lock("vms/x/lock", LockMode::exclusive, false);
    REQUIRE(a);
    CHECK(s.lock("vms/x/lock", LockMode::exclusive, false) == nullptr);
    CHECK(s.lock("vms/x/lock", LockMode::shared, false) == nullptr);
    CHECK(s.lock("vms/y/lock", LockMode::exclusive, false) != nullptr);
    a.reset();
    auto r1 = s.lock("vms/x/lock", LockMode::shared, false);
    auto r2 = s.lock("vms/x/lock", LockMode::shared, false);
    CHECK(r1);
    CHECK(r2);
    CHECK(s.lock("vms/x/lock", LockMode::exclusive, false) == nullptr);

    // A waiting writer gets the lock once both readers let go.
    std::atomic<bool> got{false};
    std::thread waiter([&] {
        auto w = s.lock("vms/x/lock", LockMode::exclusive, true);
        got = w != nullptr;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(got);
    r1.reset();
    r2.reset();
    waiter.join();
    CHECK(got);
}

inline void hostile_names_are_refused(Storage& s) {
    for (const std::string& bad : std::vector<std::string>{"", "/abs", "../up", "a/../b", "a//b", "a/", ".hidden", "a/.tmp", "sp ace",
                            std::string("nul\0x", 5), "x\xff", "dir:x", std::string(2000, 'a')}) {
        INFO(bad);
        CHECK_THROWS_AS(s.put(bad, "x"), backup::Error);
        CHECK_THROWS_AS(s.put_exclusive(bad, "x"), backup::Error);
        CHECK_THROWS_AS(s.open(bad), backup::Error);
        CHECK_THROWS_AS(s.stat(bad), backup::Error);
        CHECK_THROWS_AS(s.remove(bad), backup::Error);
        CHECK_THROWS_AS(s.lock(bad, LockMode::shared, false), backup::Error);
    }
    CHECK_THROWS_AS(s.list("../x"), backup::Error);
    CHECK(s.list("").empty());
}

// A writer killed halfway through a large object, and one killed between
// appends of a replacement: nothing half-written is ever visible, and the
// names can be written again.
inline void a_killed_writer_leaves_nothing(const OpenStorage& open) {
    auto s = open();
    s->put("k/meta", "old");
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            auto mine = open();
            auto w = mine->create("k/pack");
            std::string data = pattern(6u << 20, 3);
            w->append(data.data(), data.size());  // past one chunk: on the storage already
            auto small = mine->create("k/meta");
            small->append("new", 3);
            char c = 1;
            (void)!write(ready[1], &c, 1);
            pause();
        } catch (...) {
        }
        _exit(1);
    }
    close(ready[1]);
    char c = 0;
    REQUIRE(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);

    CHECK_FALSE(s->stat("k/pack"));
    CHECK(s->open("k/pack") == nullptr);
    CHECK(s->get("k/meta", 10) == std::string("old"));
    CHECK(names_in(*s, "k") == std::vector<std::string>{"meta"});
    auto w = s->create("k/pack");
    std::string data = pattern(5u << 20, 4);
    w->append(data.data(), data.size());
    w->commit();
    CHECK(s->get("k/pack", 10u << 20) == data);
    CHECK(names_in(*s, "k") == std::vector<std::string>{"meta", "pack"});
}

}  // namespace prl::test::storage_contract
