// The service::Error code a call throws (the test fails if it throws none).
#pragma once
#include "store/error.h"

#include <catch2/catch.hpp>

#include <functional>

namespace daemon_test {

inline prl::service::Errc errc_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const prl::service::Error& e) {
        return e.code();
    }
    FAIL("no error");
    return prl::service::Errc::io_error;
}

}  // namespace daemon_test
