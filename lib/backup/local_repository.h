// A repository this process works on, in any Storage: Repository::open's (internal).
// Each operation lives in its own file: repository_create.cpp,
// repository_restore.cpp, repository_remove.cpp, repository.cpp (open, list).
#pragma once
#include "layout.h"
#include "repository.h"

namespace prl::backup {

class LocalRepository final : public Repository {
public:
    explicit LocalRepository(Layout layout) : layout_(std::move(layout)) {}

    std::string create(const Source& src, const CreateOptions& opt, const Progress& progress) override;
    std::vector<VmEntry> list() const override;
    void restore(const std::string& id, const RestoreTarget& target, const Progress& progress) const override;
    std::optional<std::string> read_config(const std::string& id) const override;
    void remove(const std::string& id, bool keep_chain) override;
    void remove_all(const std::string& vm_uuid) override;

private:
    Layout layout_;
};

}  // namespace prl::backup
