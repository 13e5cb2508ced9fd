// A whole file as a string, in one read: a per-character
// std::istreambuf_iterator takes seconds for a few MiB in the unoptimised
// sanitizer builds, and tests compare disk images of tens of MiB.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace prl::test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return {};
    std::string data(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
}

}  // namespace prl::test
