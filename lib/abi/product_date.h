// Dates as the product writes them in its documents: "yyyy-MM-dd hh:mm:ss", UTC.
#pragma once
#include <ctime>
#include <string>

namespace prl::abi {

inline std::string product_utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

}  // namespace prl::abi
