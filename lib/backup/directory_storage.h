// Storage in a local directory (the default): an object is a file under its
// name; a commit is a temp file beside it, fsync, rename (link for an
// exclusive one) and fsync of the directory; a lock is a flock on a file.
#pragma once
#include "dir_reader.h"
#include "storage.h"

#include <filesystem>
#include <optional>

namespace prl::backup {

class DirectoryStorage final : public Storage {
public:
    // The directory must exist.
    explicit DirectoryStorage(std::filesystem::path root);

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path path_of(const std::string& name) const;

    std::string describe() const override;
    std::string identity() const override;
    std::unique_ptr<ObjectWriter> create(const std::string& name) override;
    void put(const std::string& name, std::string_view data, bool durable = true) override;
    std::optional<std::string> get(const std::string& name, size_t max_bytes) override;
    std::vector<std::optional<std::string>> get_all(const std::string& directory, const std::vector<std::string>& names,
                                                    size_t max_bytes, std::vector<ObjectInfo>* infos = nullptr) override;
    bool put_exclusive(const std::string& name, std::string_view data) override;
    std::unique_ptr<ObjectReader> open(const std::string& name) override;
    std::optional<ObjectInfo> stat(const std::string& name) override;
    std::vector<ObjectInfo> list(const std::string& directory) override;
    std::vector<ObjectInfo> list_names(const std::string& directory) override;
    bool remove(const std::string& name, bool durable = true) override;
    void sync_directory(const std::string& directory) override;
    void remove_directory(const std::string& directory) override;
    void remove_unfinished(const std::string& directory) override;
    std::unique_ptr<StorageLock> lock(const std::string& name, LockMode mode, bool wait) override;

private:
    // The directory open for reading; none when it does not exist.
    std::unique_ptr<DirReader> open_directory(const std::string& directory) const;
    // list() (details: sizes and versions) or list_names().
    std::vector<ObjectInfo> list_entries(const std::string& directory, bool details);

    std::filesystem::path root_;
};

// A DirectoryStorage in `dir`, made (mkdir -p) if it does not exist yet.
std::shared_ptr<DirectoryStorage> open_directory_storage(const std::filesystem::path& dir);

// An open file of `size` bytes read as an object (what DirectoryStorage::open gives).
std::unique_ptr<ObjectReader> file_object_reader(UniqueFd fd, uint64_t size, std::string what);

}  // namespace prl::backup
