#include "staged_files.h"

#include "error.h"

#include <fcntl.h>
#include <unistd.h>

namespace prl::backup {

fs::path temp_beside(const fs::path& target) {
    return target.parent_path() / ("." + target.filename().string() + ".prl-restore-" + random_hex(6));
}

void check_target_parent(const fs::path& p) {
    std::error_code ec;
    if (p.empty() || p.filename().empty() || !fs::is_directory(p.parent_path().empty() ? "." : p.parent_path(), ec))
        throw Error(Errc::invalid_argument, "restore target " + p.string() + " has no existing parent directory");
}

StagedFiles::~StagedFiles() {
    for (const Staged& f : files_) ::unlink(f.tmp.c_str());
}

UniqueFd StagedFiles::stage(const fs::path& target) {
    check_target_parent(target);
    files_.push_back(Staged{temp_beside(target), target});
    return open_file(files_.back().tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
}

void StagedFiles::commit() {
    for (const Staged& f : files_) rename_durable(f.tmp, f.target);
    files_.clear();
}

}  // namespace prl::backup
