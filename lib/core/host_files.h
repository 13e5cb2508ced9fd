// Small readers for /proc and /sys text files, shared by host_hardware.cpp
// and host_load.cpp. A file that cannot be read reads as empty.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace prl::host::detail {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The first line, without surrounding white space.
inline std::string read_line(const std::filesystem::path& p) {
    std::string t = read_text(p);
    const auto nl = t.find('\n');
    if (nl != std::string::npos) t.resize(nl);
    const auto b = t.find_first_not_of(" \t\r");
    const auto e = t.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
}

inline std::uint64_t read_u64(const std::filesystem::path& p, int base = 10) {
    const std::string t = read_line(p);
    if (t.empty()) return 0;
    try {
        return std::stoull(t, nullptr, base);
    } catch (...) {
        return 0;
    }
}

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

// Directory entries' names, sorted; none when the directory is missing.
inline std::vector<std::string> entries(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        out.push_back(it->path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

inline bool path_exists(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}

inline bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace prl::host::detail
