#include "directory_storage.h"

#include "background_writeback.h"
#include "dir_reader.h"
#include "platform_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace prl::backup {

namespace {

ObjectVersion version_of(const struct stat& st) {
    return {static_cast<uint64_t>(st.st_ino),
            static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull + static_cast<uint64_t>(st.st_mtim.tv_nsec)};
}

class FileReader final : public ObjectReader {
public:
    FileReader(UniqueFd fd, uint64_t size, std::string what) : fd_(std::move(fd)), size_(size), what_(std::move(what)) {}
    uint64_t size() const override { return size_; }
    size_t read_at(void* buf, size_t n, uint64_t offset) override {
        return pread_upto(fd_.get(), buf, n, offset, what_);
    }

private:
    UniqueFd fd_;
    uint64_t size_;
    std::string what_;
};

// A temp file beside the target, hidden (a leading dot) from every listing.
class FileWriter final : public ObjectWriter {
public:
    explicit FileWriter(fs::path target) : target_(std::move(target)) {
        make_directories(target_.parent_path());
        temp_ = target_.parent_path() / ("." + target_.filename().string() + "." + random_hex(8) + ".tmp");
        fd_ = open_file(temp_, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    }
    ~FileWriter() override {
        writeback_.wait();
        if (!temp_.empty()) ::unlink(temp_.c_str());
    }
    void append(const void* data, size_t n) override {
        uint64_t at = end_.fetch_add(n);
        pwrite_all(fd_.get(), data, n, at, temp_.string());
    }
    void write_at(const void* data, size_t n, uint64_t offset) override {
        pwrite_all(fd_.get(), data, n, offset, temp_.string());
        grow_to(offset + n);
    }
    void write_at(const void* first, size_t first_n, const void* second, size_t second_n, uint64_t offset) override {
        const iovec iov[2] = {{const_cast<void*>(first), first_n}, {const_cast<void*>(second), second_n}};
        ssize_t w;
        do w = ::pwritev(fd_.get(), iov, 2, static_cast<off_t>(offset));
        while (w < 0 && errno == EINTR);
        if (w < 0) throw_errno(errno, "write " + temp_.string());
        // A short write (rare): the rest plainly.
        auto done = static_cast<size_t>(w);
        if (done < first_n) {
            pwrite_all(fd_.get(), static_cast<const char*>(first) + done, first_n - done, offset + done, temp_.string());
            done = first_n;
        }
        if (done < first_n + second_n)
            pwrite_all(fd_.get(), static_cast<const char*>(second) + (done - first_n), first_n + second_n - done,
                       offset + done, temp_.string());
        grow_to(offset + first_n + second_n);
    }
    uint64_t size() const override { return end_.load(); }
    void resize(uint64_t size) override {
        if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) throw_errno(errno, "truncate " + temp_.string());
        end_ = size;
    }
    // Off this thread: a pack is sealed by the thread putting blocks, under the store's lock.
    void start_writeback() override { writeback_.start(fd_.get(), 0, 0); }
    void sync() override {
        writeback_.wait();
        if (synced_) return;
        // A hole at the end (write_at) still counts in the size.
        if (::ftruncate(fd_.get(), static_cast<off_t>(end_.load())) != 0) throw_errno(errno, "truncate " + temp_.string());
        fsync_fd(fd_.get(), temp_.string());
        synced_ = true;
    }
    void commit() override {
        commit_unsynced();
        fsync_dir(target_.parent_path());
    }
    void commit_unsynced() override {
        sync();
        fd_.reset();
        // NOREPLACE: a name in use is never clobbered.
        if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0)
            throw_errno(errno, "rename to " + target_.string());
        temp_.clear();
    }
    // link(2) never replaces: the first of two writers wins.
    bool commit_once() {
        sync();
        fd_.reset();
        bool won = ::link(temp_.c_str(), target_.c_str()) == 0;
        int err = errno;
        if (!won && err != EEXIST) throw_errno(err, "link " + target_.string());
        ::unlink(temp_.c_str());
        temp_.clear();
        if (won) fsync_dir(target_.parent_path());
        return won;
    }

private:
    void grow_to(uint64_t end) {
        uint64_t seen = end_.load();
        while (seen < end && !end_.compare_exchange_weak(seen, end)) {
        }
    }

    fs::path target_;
    fs::path temp_;
    UniqueFd fd_;
    std::atomic<uint64_t> end_{0};
    bool synced_ = false;
    BackgroundWriteback writeback_;  // waited for before fd_ is synced or closed
};

class FileStorageLock final : public StorageLock {
public:
    explicit FileStorageLock(FileLock lock) : lock_(std::move(lock)) {}

private:
    FileLock lock_;
};

}  // namespace

DirectoryStorage::DirectoryStorage(fs::path root) : root_(std::move(root)) {}

std::shared_ptr<DirectoryStorage> open_directory_storage(const fs::path& dir) {
    if (dir.empty()) throw_error(Errc::invalid_argument, "empty repository path");
    make_directories(dir);
    return std::make_shared<DirectoryStorage>(dir);
}

fs::path DirectoryStorage::path_of(const std::string& name) const {
    check_object_name(name);
    return root_ / name;
}

std::string DirectoryStorage::describe() const { return root_.string(); }

std::string DirectoryStorage::identity() const {
    std::error_code ec;
    const fs::path whole = fs::absolute(root_, ec);
    return (ec ? root_ : whole).lexically_normal().string();
}

std::unique_ptr<ObjectWriter> DirectoryStorage::create(const std::string& name) {
    return std::make_unique<FileWriter>(path_of(name));
}

void DirectoryStorage::put(const std::string& name, std::string_view data, bool durable) {
    fs::path p = path_of(name);
    make_directories(p.parent_path());
    if (durable) {
        write_file_atomic(p, std::string(data), 0644);
        return;
    }
    const fs::path temp = p.parent_path() / ("." + p.filename().string() + "." + random_hex(8) + ".tmp");
    try {
        UniqueFd fd = open_file(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
        write_all(fd.get(), data.data(), data.size(), temp.string());
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    if (::rename(temp.c_str(), p.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        throw_errno(err, "rename to " + p.string());
    }
}

// One open, fstat and read, without updating the access time where allowed
// (a first listing reads every element's metadata).
std::optional<std::string> DirectoryStorage::get(const std::string& name, size_t max_bytes) {
    fs::path p = path_of(name);
    try {
        return read_file_bounded_at(AT_FDCWD, p.string(), max_bytes, nullptr);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return std::nullopt;
        throw;
    }
}

bool DirectoryStorage::put_exclusive(const std::string& name, std::string_view data) {
    FileWriter writer(path_of(name));
    writer.append(data.data(), data.size());
    return writer.commit_once();
}

std::unique_ptr<ObjectReader> DirectoryStorage::open(const std::string& name) {
    fs::path p = path_of(name);
    UniqueFd fd;
    try {
        fd = open_file(p, O_RDONLY | O_NOFOLLOW);
    } catch (const Error& e) {
        if (e.code() == Errc::not_found) return nullptr;
        throw;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno(errno, "stat " + p.string());
    if (!S_ISREG(st.st_mode)) throw_error(Errc::corrupted, p.string() + ": not a regular file");
    return file_object_reader(std::move(fd), static_cast<uint64_t>(st.st_size), p.string());
}

std::unique_ptr<DirReader> DirectoryStorage::open_directory(const std::string& directory) const {
    check_directory_name(directory);
    try {
        return std::make_unique<DirReader>(directory.empty() ? root_ : root_ / directory);
    } catch (const Error& e) {
        if (e.code() != Errc::not_found) throw;
    }
    return nullptr;
}

std::vector<std::optional<std::string>> DirectoryStorage::get_all(const std::string& directory,
                                                                  const std::vector<std::string>& names, size_t max_bytes,
                                                                  std::vector<ObjectInfo>* infos) {
    std::vector<std::optional<std::string>> out(names.size());
    if (infos) infos->assign(names.size(), ObjectInfo{});
    std::unique_ptr<DirReader> dir = open_directory(directory);
    if (!dir) return out;
    for (size_t i = 0; i < names.size(); ++i) {
        check_object_name(names[i]);
        if (names[i].find('/') != std::string::npos) throw_error(Errc::invalid_argument, "get_all takes names of one directory");
        try {
            struct stat st {};
            out[i] = read_file_bounded_at(dir->fd(), names[i], max_bytes, &st);
            if (infos) (*infos)[i] = ObjectInfo{names[i], false, static_cast<uint64_t>(st.st_size), version_of(st)};
        } catch (const Error& e) {
            if (e.code() != Errc::not_found) throw;
        }
    }
    return out;
}

std::optional<ObjectInfo> DirectoryStorage::stat(const std::string& name) {
    fs::path p = path_of(name);
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        throw_errno(errno, "stat " + p.string());
    }
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return ObjectInfo{name, false, static_cast<uint64_t>(st.st_size), version_of(st)};
}

std::vector<ObjectInfo> DirectoryStorage::list(const std::string& directory) { return list_entries(directory, true); }

std::vector<ObjectInfo> DirectoryStorage::list_names(const std::string& directory) { return list_entries(directory, false); }

std::vector<ObjectInfo> DirectoryStorage::list_entries(const std::string& directory, bool details) {
    std::vector<ObjectInfo> out;
    std::unique_ptr<DirReader> dir = open_directory(directory);
    if (!dir) return out;
    while (const struct dirent* e = dir->next()) {
        std::string name = e->d_name;
        if (name.front() == '.') continue;  // temp files
        try {
            check_object_name(name);
        } catch (const Error&) {
            continue;  // nothing the engine wrote
        }
        // The entry's type from the directory itself where the file system gives it.
        if (!details && (e->d_type == DT_DIR || e->d_type == DT_REG)) {
            out.push_back(ObjectInfo{std::move(name), e->d_type == DT_DIR, 0, {}});
            continue;
        }
        struct stat st {};
        if (::fstatat(dir->fd(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT) continue;  // removed meanwhile
            throw_errno(errno, "stat " + name);
        }
        if (S_ISDIR(st.st_mode)) {
            out.push_back(ObjectInfo{std::move(name), true, 0, {}});
        } else if (S_ISREG(st.st_mode)) {
            out.push_back(ObjectInfo{std::move(name), false, static_cast<uint64_t>(st.st_size), version_of(st)});
        }
    }
    std::sort(out.begin(), out.end(), [](const ObjectInfo& x, const ObjectInfo& y) { return x.name < y.name; });
    return out;
}

bool DirectoryStorage::remove(const std::string& name, bool durable) {
    fs::path p = path_of(name);
    if (::unlink(p.c_str()) != 0) {
        if (errno == ENOENT) return false;
        throw_errno(errno, "unlink " + p.string());
    }
    if (durable) fsync_dir(p.parent_path());
    return true;
}

void DirectoryStorage::sync_directory(const std::string& directory) {
    check_directory_name(directory);
    fsync_dir(directory.empty() ? root_ : root_ / directory);
}

void DirectoryStorage::remove_directory(const std::string& directory) {
    check_object_name(directory);
    fs::path p = root_ / directory;
    if (::rmdir(p.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
        throw_errno(errno, "rmdir " + p.string());
}

void DirectoryStorage::remove_unfinished(const std::string& directory) {
    std::unique_ptr<DirReader> dir = open_directory(directory);
    if (!dir) return;
    // Temp files of writers (".<name>.<hex>.tmp", ".<name>.tmp.<pid>.<hex>"),
    // and "<name>.tmp" files of versions that wrote those beside the target.
    while (const struct dirent* e = dir->next()) {
        const std::string name = e->d_name;
        bool temp = name.size() > 4 && (name.compare(name.size() - 4, 4, ".tmp") == 0 ||
                                        (name.front() == '.' && name.find(".tmp.") != std::string::npos));
        if (temp && e->d_type != DT_DIR) ::unlinkat(dir->fd(), e->d_name, 0);
    }
}

std::unique_ptr<StorageLock> DirectoryStorage::lock(const std::string& name, LockMode mode, bool wait) {
    fs::path p = path_of(name);
    make_directories(p.parent_path());
    auto m = mode == LockMode::shared ? FileLock::Mode::shared : FileLock::Mode::exclusive;
    FileLock held = wait ? acquire_lock(p, m) : try_acquire_lock(p, m);
    if (!held) return nullptr;
    return std::make_unique<FileStorageLock>(std::move(held));
}

std::unique_ptr<ObjectReader> file_object_reader(UniqueFd fd, uint64_t size, std::string what) {
    return std::make_unique<FileReader>(std::move(fd), size, std::move(what));
}

}  // namespace prl::backup
