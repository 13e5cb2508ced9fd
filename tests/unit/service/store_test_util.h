// Helpers shared by the store tests.
#pragma once
#include "read_file.h"
#include "store/error.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

// Runs `expr` and checks it throws prl::service::Error with code `errc`.
#define REQUIRE_ERRC(expr, errc)                                               \
    do {                                                                        \
        bool threw_ = false;                                                    \
        try {                                                                   \
            (void)(expr);                                                       \
        } catch (const prl::service::Error& e_) {                               \
            threw_ = true;                                                      \
            INFO("what: " << e_.what());                                        \
            CHECK(std::string(prl::service::errc_name(e_.code())) ==            \
                  prl::service::errc_name(errc));                               \
        }                                                                       \
        CHECK(threw_);                                                          \
    } while (false)

inline std::string slurp(const std::string& path) { return prl::test::read_file(path); }

inline void spit(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
}
