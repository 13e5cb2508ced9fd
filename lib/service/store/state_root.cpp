#include "state_root.h"

#include "error.h"
#include "file_ops.h"
#include "uuid_text.h"

#include "platform/state_root_path.h"

namespace prl::service {
namespace {

std::string load_or_create_server_uuid(const fs::path& file) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            std::string text = read_file_bounded(file, 128);
            while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
            if (auto u = normalize_uuid(text)) return *u;
            throw Error(Errc::corrupt, "bad server UUID in " + file.string());
        } catch (const Error& e) {
            if (e.code() != Errc::not_found) throw;
        }
        // Not there yet: publish ours; if another process won, read theirs.
        create_file_once(file, new_braced_uuid() + "\n");
    }
    throw Error(Errc::io_error, "cannot establish server UUID in " + file.string());
}

}  // namespace

fs::path StateRoot::resolve_path() {
    std::string why;
    if (auto path = platform::state_root_path(why)) return *path;
    throw Error(Errc::invalid_argument, why);
}

StateRoot StateRoot::open() { return StateRoot(resolve_path()); }

StateRoot::StateRoot(fs::path dir) : dir_(std::move(dir)) {
    if (dir_.empty()) throw Error(Errc::invalid_argument, "empty state root");
    std::error_code ec;
    dir_ = fs::absolute(dir_, ec).lexically_normal();
    if (ec) throw Error(Errc::io_error, "state root: " + ec.message());
    if (!dir_.has_filename() && dir_ != dir_.root_path()) dir_ = dir_.parent_path();
    make_directories(dir_, 0700);
    server_uuid_ = load_or_create_server_uuid(server_uuid_file());
}

}  // namespace prl::service
