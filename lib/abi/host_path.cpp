#include "host_path.h"

#include "core/error.h"
#include "service/store/text_rules.h"

#include <cstring>
#include <filesystem>

namespace prl::abi {

std::string host_path_arg(PRL_CONST_STR path) {
    require(path != nullptr, PRL_ERR_INVALID_ARG, "null path");
    const std::size_t n = ::strnlen(path, kMaxHostPath + 1);
    require(n <= kMaxHostPath, PRL_ERR_INVALID_ARG, "path too long");
    std::string s(path, n);
    for (unsigned char c : s) require(c >= 0x20 && c != 0x7F, PRL_ERR_INVALID_ARG, "control character in path");
    require(service::is_valid_utf8(s), PRL_ERR_INVALID_ARG, "path is not valid UTF-8");
    return s;
}

std::string absolute_host_path(const std::string& path) {
    require(!path.empty() && path.front() == '/', PRL_ERR_INVALID_ARG, "the path must be absolute");
    std::string normal = std::filesystem::path(path).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
}

}  // namespace prl::abi
