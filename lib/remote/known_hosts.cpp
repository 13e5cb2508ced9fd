#include "known_hosts.h"

#include "platform/durable_io.h"
#include "store/error.h"

#include <sstream>

namespace prl::remote {
namespace {

using service::Errc;
using service::Error;

constexpr std::size_t max_file_bytes = 4u << 20;

template <class F>
decltype(auto) store_errors(F&& f) {
    return platform::translate_sys_errors(service::store_error, std::forward<F>(f));
}

// The file's text; "" when there is none yet.
std::string read_known_hosts(const std::filesystem::path& file) {
    try {
        return store_errors([&] { return platform::read_file_bounded(file, max_file_bytes); });
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return {};
        throw Error(e.code() == Errc::io_error ? Errc::io_error : Errc::corrupt,
                    "known hosts file " + file.string() + ": " + e.what());
    }
}

bool is_fingerprint(const std::string& text) {
    constexpr std::string_view prefix = "SHA256:";
    if (text.size() != prefix.size() + 64 || text.compare(0, prefix.size(), prefix) != 0) return false;
    for (std::size_t i = prefix.size(); i < text.size(); ++i) {
        const char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> known_fingerprint(const std::filesystem::path& file, const std::string& endpoint) {
    std::istringstream in(read_known_hosts(file));
    std::string line;
    std::optional<std::string> found;
    for (int number = 1; std::getline(in, line); ++number) {
        std::istringstream fields(line);
        std::string host, fingerprint, extra;
        if (!(fields >> host) || host.front() == '#') continue;
        // Every line is checked, not only up to the match: a damaged file is
        // reported whatever host is asked for.
        if (!(fields >> fingerprint) || (fields >> extra) || !is_fingerprint(fingerprint))
            throw Error(Errc::corrupt, "known hosts file " + file.string() + ", line " + std::to_string(number) +
                                           ": expected \"host:port SHA256:<64 hex digits>\"");
        if (host == endpoint && !found) found = fingerprint;
    }
    return found;
}

void pin_fingerprint(const std::filesystem::path& file, const std::string& endpoint, const std::string& fingerprint) {
    // Read, add, replace: two clients pinning at the same moment may lose
    // one pin, which is only asked for again next time.
    std::string text = read_known_hosts(file);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += endpoint + " " + fingerprint + "\n";
    store_errors([&] {
        if (file.has_parent_path()) platform::make_directories(file.parent_path(), 0700);
        platform::write_file_atomic(file, text, 0600);
    });
}

}  // namespace prl::remote
