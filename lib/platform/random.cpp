#include "random.h"

#include "sys_error.h"

#include <sys/random.h>

#include <cerrno>

namespace prl::platform {

std::string random_hex(std::size_t bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string raw(bytes, '\0');
    std::size_t got = 0;
    while (got < bytes) {
        ssize_t r = ::getrandom(raw.data() + got, bytes - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_sys_error(errno, "getrandom");
        }
        got += static_cast<std::size_t>(r);
    }
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::uint64_t random_u64() {
    std::uint64_t v = 0;
    while (v == 0) v = std::stoull(random_hex(8), nullptr, 16);
    return v;
}

}  // namespace prl::platform
