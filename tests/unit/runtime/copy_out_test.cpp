// The buffer rule, exhaustively over buffer sizes around the value's size.
#include "abi/copy_out.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

using prl::abi::copy_out;
using prl::abi::copy_out_bytes;

TEST_CASE("copy_out follows the SDK buffer rule at every size", "[buffers]") {
    for (const std::string& value : {std::string(), std::string("x"), std::string("h\xc3\xa9llo"), std::string(300, 'z')}) {
        const PRL_UINT32 needed = static_cast<PRL_UINT32>(value.size() + 1);
        PRL_UINT32 len = 12345;
        REQUIRE(copy_out(value, nullptr, &len) == PRL_ERR_SUCCESS);
        REQUIRE(len == needed);
        REQUIRE(copy_out(value, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
        for (PRL_UINT32 size = 0; size <= needed + 2; ++size) {
            std::string buf(needed + 8, '#');
            len = size;
            const PRL_RESULT rc = copy_out(value, buf.data(), &len);
            if (size == 0) {  // a size query, as the original takes it
                REQUIRE(rc == PRL_ERR_SUCCESS);
                REQUIRE(len == needed);
                REQUIRE(buf == std::string(needed + 8, '#'));  // untouched
            } else if (size < needed) {
                REQUIRE(rc == PRL_ERR_BUFFER_OVERRUN);
                REQUIRE(len == needed);
                // What fits, cut one byte short and terminated; nothing past it.
                REQUIRE(std::string(buf.c_str()) == value.substr(0, size - 1));
                REQUIRE(buf.substr(size) == std::string(needed + 8 - size, '#'));
            } else {
                REQUIRE(rc == PRL_ERR_SUCCESS);
                REQUIRE(len == needed);
                REQUIRE(std::strcmp(buf.c_str(), value.c_str()) == 0);
                REQUIRE(buf[needed] == '#');  // nothing written past the value
            }
        }
    }
}

TEST_CASE("copy_out_bytes counts no terminator", "[buffers]") {
    const std::string bytes("\0\1\2", 3);
    PRL_UINT32 len = 0;
    REQUIRE(copy_out_bytes(bytes, nullptr, &len) == PRL_ERR_SUCCESS);
    REQUIRE(len == 3);
    char buf[3] = {'#', '#', '#'};
    len = 2;
    REQUIRE(copy_out_bytes(bytes, buf, &len) == PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 3);
    REQUIRE(std::memcmp(buf, bytes.data(), 2) == 0);  // what fits, no terminator
    REQUIRE(buf[2] == '#');
    len = 0;
    REQUIRE(copy_out_bytes(bytes, buf, &len) == PRL_ERR_SUCCESS);  // a size query
    REQUIRE(len == 3);
    len = 3;
    REQUIRE(copy_out_bytes(bytes, buf, &len) == PRL_ERR_SUCCESS);
    REQUIRE(std::memcmp(buf, bytes.data(), 3) == 0);
}
