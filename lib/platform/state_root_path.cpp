#include "state_root_path.h"

#include <cstdlib>

namespace prl::platform {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

}  // namespace

std::optional<std::filesystem::path> state_root_path(std::string& why) {
    namespace fs = std::filesystem;
    if (std::string home = env("PRLSHIM_HOME"); !home.empty()) {
        std::error_code ec;
        fs::path abs = fs::absolute(home, ec);
        if (ec) {
            why = "PRLSHIM_HOME: " + ec.message();
            return std::nullopt;
        }
        return abs.lexically_normal();
    }
    if (std::string xdg = env("XDG_DATA_HOME"); !xdg.empty() && fs::path(xdg).is_absolute())
        return (fs::path(xdg) / "prlshim").lexically_normal();
    std::string home = env("HOME");
    if (home.empty()) {
        why = "no PRLSHIM_HOME, XDG_DATA_HOME or HOME set";
        return std::nullopt;
    }
    return (fs::path(home) / ".local" / "share" / "prlshim").lexically_normal();
}

}  // namespace prl::platform
