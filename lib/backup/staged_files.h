// Restored files are written beside their targets under temporary names and
// renamed into place together, only once every one is complete; until then
// (and if anything fails) the targets are untouched and the temporaries go.
#pragma once
#include "platform_io.h"

#include <vector>

namespace prl::backup {

class StagedFiles {
public:
    StagedFiles() = default;
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;
    ~StagedFiles();  // removes what was not committed

    // Errc::invalid_argument unless `target`'s directory exists; returns the
    // new, empty temporary file beside it, open for writing.
    UniqueFd stage(const fs::path& target);
    // Renames every temporary onto its target, durably.
    void commit();

private:
    struct Staged {
        fs::path tmp, target;
    };
    std::vector<Staged> files_;
};

// A temporary name beside `target` (".name.prl-restore-XXXXXX").
fs::path temp_beside(const fs::path& target);
// Errc::invalid_argument unless `target` names a file in an existing directory.
void check_target_parent(const fs::path& target);

}  // namespace prl::backup
