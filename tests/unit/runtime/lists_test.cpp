#include "core/error.h"
#include "core/lists.h"

#include <catch2/catch.hpp>

#include <cstdint>

using namespace prl;

TEST_CASE("strings list keeps order and copies", "[lists]") {
    StringsList list;
    list.add("a");
    list.add(std::string("b\xc3\xa9"));
    REQUIRE(list.size() == 2);
    REQUIRE(list.at(1) == "b\xc3\xa9");
    list.remove(0);
    REQUIRE(list.at(0) == "b\xc3\xa9");
    REQUIRE_THROWS_AS(list.at(1), Error);
    REQUIRE_THROWS_AS(list.remove(5), Error);
}

TEST_CASE("handles list holds its items", "[lists]") {
    HandlesList list;
    auto item = std::make_shared<StringsList>();
    list.add(item);
    REQUIRE(item.use_count() == 2);
    REQUIRE(list.at(0) == item);
    list.remove(0);
    REQUIRE(item.use_count() == 1);
}

TEST_CASE("op-type list stores fixed-size items", "[lists]") {
    REQUIRE_THROWS_AS(OpTypeList(3), Error);
    REQUIRE_THROWS_AS(OpTypeList(0), Error);
    OpTypeList list(8);
    for (std::uint64_t v : {1ull, 0xfeedfacecafebeefull, 3ull}) list.add(&v);
    REQUIRE(list.size() == 3);
    std::uint64_t out = 0;
    list.get(1, &out);
    REQUIRE(out == 0xfeedfacecafebeefull);
    list.remove(0);
    list.get(0, &out);
    REQUIRE(out == 0xfeedfacecafebeefull);
    REQUIRE_THROWS_AS(list.get(2, &out), Error);
}
