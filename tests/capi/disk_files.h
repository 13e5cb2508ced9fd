// Reading and patching disk images from tests (the VM's bytes on disk).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace capi {

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_at(const std::string& path, std::size_t offset, const std::string& bytes) {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace capi
