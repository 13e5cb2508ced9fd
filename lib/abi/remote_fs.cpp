// Remote file system browsing (PrlSrv_Fs*, PrlFsInfo_*, PrlFsEntry_*): the
// service's host file system as the product's dispatcher shows it, on local
// disk. A listing is a PHT_REMOTE_FILESYSTEM_INFO holding the directory
// itself (the parent entry) and its children sorted by name; each entry is a
// PHT_REMOTE_FILESYSTEM_ENTRY.
//
// The product's rules and codes are followed: a listing of what is not a
// directory is PRL_ERR_DIRECTORY_DOES_NOT_EXIST, a directory that cannot be
// read PRL_ERR_ACCESS_DENIED; creating makes missing parents and refuses a
// taken name (PRL_ERR_TARGET_NAME_ALREADY_OCCUPIED); removing takes a file or
// an empty directory; renaming never replaces. Remove and rename answer with
// the listing of the directory the entry was in; create with the new
// directory alone.
//
// Paths must be absolute, UTF-8 and at most 4095 bytes. Entries are examined
// with lstat/fstatat relative to the opened directory and never opened, so a
// listing neither reads files nor blocks on FIFOs or devices (/proc, /dev);
// a symbolic link is shown as what it points to, as the product shows it.
// Names that are not valid UTF-8 cannot be given to a client and are left out.
#include "boundary.h"
#include "copy_out.h"
#include "host_path.h"

#include "core/result.h"
#include "core/server.h"
#include "core/lists.h"
#include "service/store/text_rules.h"
#include "platform/unique_fd.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

using namespace prl;
using namespace prl::abi;

namespace {

struct FsItem {
    std::string path;  // absolute
    PRL_FILE_SYSTEM_ELEMENT_TYPE type = PSE_FILE;
    std::uint64_t size = 0;
    std::string modified;  // "yyyy-MM-dd hh:mm:ss", local time; empty for drives
    PRL_UINT32 permissions = 0;
};

class FsInfo : public Object {
public:
    FsInfo() : Object(PHT_REMOTE_FILESYSTEM_INFO) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_REMOTE_FILESYSTEM_INFO; }
    PRL_FILE_SYSTEM_FS_TYPE fs_type = PRL_FS_INVALID;
    std::optional<FsItem> parent;
    std::vector<FsItem> children;
};

class FsEntry : public Object {
public:
    FsEntry(std::shared_ptr<const FsInfo> info, const FsItem* item)
        : Object(PHT_REMOTE_FILESYSTEM_ENTRY), info_(std::move(info)), item_(item) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_REMOTE_FILESYSTEM_ENTRY; }
    const FsItem& item() const noexcept { return *item_; }

private:
    std::shared_ptr<const FsInfo> info_;  // keeps item_ alive
    const FsItem* item_;
};

std::string format_time(std::time_t t) {
    std::tm tm{};
    if (!localtime_r(&t, &tm)) return {};
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0) return {};
    return buf;
}

// FS_PERM_* for what this process may do with the entry.
PRL_UINT32 permissions_at(int dirfd, const char* name) {
    PRL_UINT32 p = 0;
    if (::faccessat(dirfd, name, R_OK, AT_EACCESS) == 0) p |= FS_PERM_READ;
    if (::faccessat(dirfd, name, W_OK, AT_EACCESS) == 0) p |= FS_PERM_WRITE;
    if (::faccessat(dirfd, name, X_OK, AT_EACCESS) == 0) p |= FS_PERM_EXECUTE;
    return p;
}

FsItem item_from_stat(std::string path, const struct stat& st, PRL_UINT32 permissions) {
    FsItem item;
    item.path = std::move(path);
    const bool dir = S_ISDIR(st.st_mode);
    item.type = dir ? PSE_DIRECTORY : PSE_FILE;
    item.size = dir ? 0 : static_cast<std::uint64_t>(st.st_size);
    item.modified = format_time(st.st_mtime);
    item.permissions = permissions;
    return item;
}

// The product's file system kinds, from statfs's magic numbers.
PRL_FILE_SYSTEM_FS_TYPE fs_type_of(const std::string& path) {
    struct statfs sf {};
    if (::statfs(path.c_str(), &sf) != 0) return PRL_FS_INVALID;
    switch (static_cast<unsigned long>(sf.f_type)) {
        case 0xadf5: return PRL_FS_ADFS;
        case 0xadff: return PRL_FS_AFFS;
        case 0x5346414F: return PRL_FS_AFS;
        case 0x0187: return PRL_FS_AUTOFS;
        case 0x73757245: return PRL_FS_CODA;
        case 0x414A53: return PRL_FS_EFS;
        case 0xEF53: return PRL_FS_EXTFS;
        case 0xf995e849: return PRL_FS_HPFS;
        case 0x9660: return PRL_FS_ISOFS;
        case 0x72b6: return PRL_FS_JFFS2;
        case 0x4d44: return PRL_FS_FAT32;
        case 0x6969: return PRL_FS_NFS;
        case 0x002f: return PRL_FS_QNX4;
        case 0x52654973: return PRL_FS_REISERFS;
        case 0x517B: return PRL_FS_SMBFS;
        case 0x01161970: return PRL_FS_GFS;
        case 0x65735546: return PRL_FS_FUSE;
        default: return PRL_FS_INVALID;
    }
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
    if (path == "/") return path;
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

// The directory itself, for a listing or a new directory.
FsItem directory_item(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail(PRL_ERR_DIRECTORY_DOES_NOT_EXIST, "directory does not exist: " + path);
    return item_from_stat(path, st, permissions_at(AT_FDCWD, path.c_str()));
}

// PrlSrv_FsGetDirEntries: the directory and its children, by name.
std::shared_ptr<FsInfo> list_directory(const std::string& path) {
    require(!path.empty(), PRL_ERR_NO_TARGET_PATH_SPECIFIED, "no path given");
    auto info = std::make_shared<FsInfo>();
    info->parent = directory_item(path);
    platform::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno == EACCES || errno == EPERM) fail(PRL_ERR_ACCESS_DENIED, "cannot read directory: " + path);
        fail(PRL_ERR_DIRECTORY_DOES_NOT_EXIST, "directory does not exist: " + path);
    }
    info->fs_type = fs_type_of(path);
    const int dirfd = fd.get();
    DIR* dir = ::fdopendir(::dup(dirfd));
    if (!dir) fail(PRL_ERR_ACCESS_DENIED, "cannot read directory: " + path);
    std::vector<std::string> names;
    for (errno = 0; const dirent* e = ::readdir(dir); errno = 0) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (!service::is_valid_utf8(name)) continue;
        names.push_back(name);
    }
    const int read_errno = errno;
    ::closedir(dir);
    if (read_errno != 0) fail(PRL_ERR_ACCESS_DENIED, "cannot read directory: " + path);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
        struct stat st {};
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
        if (S_ISLNK(st.st_mode)) {
            struct stat target {};
            if (::fstatat(dirfd, name.c_str(), &target, 0) == 0) st = target;  // a dangling link stays a file
        }
        info->children.push_back(item_from_stat(join(info->parent->path, name), st, permissions_at(dirfd, name.c_str())));
    }
    return info;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// mkdir -p, undoing what it made if a later step fails.
void make_directories(const std::string& path) {
    std::vector<std::string> chain;
    for (std::string p = path; p != "/"; p = parent_of(p)) chain.push_back(p);
    std::reverse(chain.begin(), chain.end());
    std::vector<std::string> made;
    for (const std::string& p : chain) {
        if (is_dir(p)) continue;
        if (::mkdir(p.c_str(), 0755) == 0) {
            made.push_back(p);
            continue;
        }
        for (auto it = made.rbegin(); it != made.rend(); ++it) ::rmdir(it->c_str());
        fail(PRL_ERR_MAKE_DIRECTORY, "cannot create directory: " + p);
    }
}

std::shared_ptr<FsInfo> create_directory(const std::string& path) {
    require(!path.empty(), PRL_ERR_NO_TARGET_PATH_SPECIFIED, "no path given");
    if (exists(path)) fail(PRL_ERR_TARGET_NAME_ALREADY_OCCUPIED, "already exists: " + path);
    make_directories(path);
    auto info = std::make_shared<FsInfo>();
    info->parent = directory_item(path);
    return info;
}

std::shared_ptr<FsInfo> remove_entry(const std::string& path) {
    require(!path.empty(), PRL_ERR_NO_TARGET_PATH_SPECIFIED, "no path given");
    if (!exists(path)) fail(PRL_ERR_ENTRY_DOES_NOT_EXIST, "no such file or directory: " + path);
    struct stat st {};
    ::lstat(path.c_str(), &st);
    if (S_ISDIR(st.st_mode)) {
        if (::rmdir(path.c_str()) != 0) fail(PRL_ERR_CANT_REMOVE_DIR_ENTRY, "cannot remove directory: " + path);
    } else if (::unlink(path.c_str()) != 0) {
        fail(PRL_ERR_CANT_REMOVE_ENTRY, "cannot remove: " + path);
    }
    return list_directory(parent_of(path));
}

std::shared_ptr<FsInfo> rename_entry(const std::string& from, const std::string& to) {
    require(!from.empty() && !to.empty(), PRL_ERR_NO_TARGET_PATH_SPECIFIED, "no path given");
    if (!exists(from)) fail(PRL_ERR_ENTRY_DOES_NOT_EXIST, "no such file or directory: " + from);
    if (exists(to)) {
        if (is_dir(to)) fail(PRL_ERR_ENTRY_DIR_ALREADY_EXISTS, "a directory of that name exists: " + to);
        fail(PRL_ERR_ENTRY_ALREADY_EXISTS, "an entry of that name exists: " + to);
    }
    // Never replaces: RENAME_NOREPLACE closes the window between the check and the rename.
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST) fail(PRL_ERR_ENTRY_ALREADY_EXISTS, "an entry of that name exists: " + to);
        fail(PRL_ERR_CANT_RENAME_ENTRY, "cannot rename " + from);
    }
    return list_directory(parent_of(to));
}

void can_create_file(const std::string& path) {
    require(!path.empty(), PRL_ERR_NO_TARGET_PATH_SPECIFIED, "no path given");
    const std::string dir = parent_of(path);
    if (!is_dir(dir)) fail(PRL_ERR_DIRECTORY_DOES_NOT_EXIST, "directory does not exist: " + dir);
    if (::access(dir.c_str(), W_OK | X_OK) != 0) fail(PRL_ERR_ACCESS_DENIED, "cannot create files in " + dir);
}

ResultPtr result_of(ObjectPtr object) { return std::make_shared<Result>(std::vector<Result::Param>{std::move(object)}); }

// Runs `task` as a job of the logged-in server.
template <class Task>
PRL_HANDLE fs_job(PRL_HANDLE hServer, PRL_JOB_OPERATION_CODE op, Task task) {
    auto server = handle_cast<Server>(hServer).share();
    return give_job(server->start_job(op, [server, task](Job&) -> ResultPtr {
        server->service();  // PRL_ERR_NOT_CONNECTED_TO_DISPATCHER before a login
        return task();
    }));
}

std::string path_arg(PRL_CONST_STR path) {
    std::string p = host_path_arg(path);
    return p.empty() ? p : absolute_host_path(p);
}

std::string optional_text(PRL_CONST_STR s) {
    if (!s) return {};
    std::string t = host_path_arg(s);
    require(t.find('/') == std::string::npos, PRL_ERR_INVALID_ARG, "a name part may not hold '/'");
    return t;
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_FsGetDiskList(PRL_HANDLE hServer) {
    return async(PJOC_SRV_FS_GET_DISK_LIST, [&] {
        return fs_job(hServer, PJOC_SRV_FS_GET_DISK_LIST, [] {
            // One drive on a Unix host: the root.
            auto info = std::make_shared<FsInfo>();
            FsItem root;
            root.path = "/";
            root.type = PSE_DRIVE;
            root.permissions = permissions_at(AT_FDCWD, "/");
            info->children.push_back(root);
            return result_of(info);
        });
    });
}

PRL_HANDLE PrlSrv_FsGetDirEntries(PRL_HANDLE hServer, PRL_CONST_STR path) {
    return async(PJOC_SRV_FS_GET_DIR_ENTRIES, [&] {
        handle_cast<Server>(hServer);
        const std::string p = path_arg(path);
        return fs_job(hServer, PJOC_SRV_FS_GET_DIR_ENTRIES, [p] { return result_of(list_directory(p)); });
    });
}

PRL_HANDLE PrlSrv_FsCreateDir(PRL_HANDLE hServer, PRL_CONST_STR path) {
    return async(PJOC_SRV_FS_CREATE_DIR, [&] {
        handle_cast<Server>(hServer);
        const std::string p = path_arg(path);
        return fs_job(hServer, PJOC_SRV_FS_CREATE_DIR, [p] { return result_of(create_directory(p)); });
    });
}

PRL_HANDLE PrlSrv_FsRemoveEntry(PRL_HANDLE hServer, PRL_CONST_STR path) {
    return async(PJOC_SRV_FS_REMOVE_ENTRY, [&] {
        handle_cast<Server>(hServer);
        const std::string p = path_arg(path);
        require(p != "/", PRL_ERR_CANT_REMOVE_DIR_ENTRY, "the root cannot be removed");
        return fs_job(hServer, PJOC_SRV_FS_REMOVE_ENTRY, [p] { return result_of(remove_entry(p)); });
    });
}

PRL_HANDLE PrlSrv_FsCanCreateFile(PRL_HANDLE hServer, PRL_CONST_STR path) {
    return async(PJOC_SRV_FS_CAN_CREATE_FILE, [&] {
        handle_cast<Server>(hServer);
        const std::string p = path_arg(path);
        return fs_job(hServer, PJOC_SRV_FS_CAN_CREATE_FILE, [p]() -> ResultPtr {
            can_create_file(p);
            return nullptr;
        });
    });
}

PRL_HANDLE PrlSrv_FsRenameEntry(PRL_HANDLE hServer, PRL_CONST_STR oldPath, PRL_CONST_STR newPath) {
    return async(PJOC_SRV_FS_RENAME_ENTRY, [&] {
        handle_cast<Server>(hServer);
        const std::string from = path_arg(oldPath), to = path_arg(newPath);
        require(from != "/" && to != "/", PRL_ERR_CANT_RENAME_DIR_ENTRY, "the root cannot be renamed");
        return fs_job(hServer, PJOC_SRV_FS_RENAME_ENTRY, [from, to] { return result_of(rename_entry(from, to)); });
    });
}

PRL_HANDLE PrlSrv_FsGenerateEntryName(PRL_HANDLE hServer, PRL_CONST_STR sDirPath, PRL_CONST_STR sFilenamePrefix,
                                      PRL_CONST_STR sFilenameSuffix, PRL_CONST_STR sIndexDelimiter) {
    return async(PJOC_SRV_FS_GENERATE_ENTRY_NAME, [&] {
        handle_cast<Server>(hServer);
        const std::string dir = path_arg(sDirPath);
        const std::string prefix = optional_text(sFilenamePrefix), suffix = optional_text(sFilenameSuffix),
                          delimiter = optional_text(sIndexDelimiter);
        return fs_job(hServer, PJOC_SRV_FS_GENERATE_ENTRY_NAME, [dir, prefix, suffix, delimiter] {
            return std::make_shared<Result>(
                std::vector<Result::Param>{generate_name(dir.empty() ? "/" : dir, prefix, suffix, delimiter)});
        });
    });
}

// ---- PrlFsInfo_* ----

PRL_RESULT PrlFsInfo_GetType(PRL_HANDLE hFsInfo, PRL_FILE_SYSTEM_TYPE_PTR pnFsType) {
    return sync([&] {
        handle_cast<FsInfo>(hFsInfo);
        enum_out(out_ptr(pnFsType), PFS_UNIX_LIKE_FS);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsInfo_GetFsType(PRL_HANDLE hFsInfo, PRL_FILE_SYSTEM_FS_TYPE_PTR pnFsType) {
    return sync([&] {
        auto info = handle_cast<FsInfo>(hFsInfo);
        enum_out(out_ptr(pnFsType), info->fs_type);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsInfo_GetChildEntriesCount(PRL_HANDLE hFsInfo, PRL_UINT32_PTR pnChildEntriesCount) {
    return sync([&] {
        auto info = handle_cast<FsInfo>(hFsInfo);
        const std::size_t n = info->children.size();
        *out_ptr(pnChildEntriesCount) = n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<PRL_UINT32>(n);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsInfo_GetChildEntry(PRL_HANDLE hFsInfo, PRL_UINT32 nIndex, PRL_HANDLE_PTR phChildEntry) {
    return sync([&] {
        auto info = handle_cast<FsInfo>(hFsInfo);
        out_ptr(phChildEntry);
        require(nIndex < info->children.size(), PRL_ERR_INVALID_ARG, "no entry at that index");
        give(std::make_shared<FsEntry>(info.share(), &info->children[nIndex]), phChildEntry);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsInfo_GetParentEntry(PRL_HANDLE hFsInfo, PRL_HANDLE_PTR phParentEntry) {
    return sync([&] {
        auto info = handle_cast<FsInfo>(hFsInfo);
        out_ptr(phParentEntry);
        require(info->parent.has_value(), PRL_ERR_NO_DATA, "a disk list has no parent entry");
        give(std::make_shared<FsEntry>(info.share(), &*info->parent), phParentEntry);
        return PRL_ERR_SUCCESS;
    });
}

// ---- PrlFsEntry_* ----

PRL_RESULT PrlFsEntry_GetAbsolutePath(PRL_HANDLE hFsEntry, PRL_STR sAbsolutePath,
                                      PRL_UINT32_PTR pnAbsolutePathBufLength) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        out_ptr(pnAbsolutePathBufLength);
        return copy_out(entry->item().path, sAbsolutePath, pnAbsolutePathBufLength);
    });
}

PRL_RESULT PrlFsEntry_GetRelativeName(PRL_HANDLE hFsEntry, PRL_STR sRelativeName, PRL_UINT32_PTR pnRelativeNameBufLength) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        out_ptr(pnRelativeNameBufLength);
        return copy_out(base_name(entry->item().path), sRelativeName, pnRelativeNameBufLength);
    });
}

PRL_RESULT PrlFsEntry_GetLastModifiedDate(PRL_HANDLE hFsEntry, PRL_STR sFsEntryLastModifiedDate,
                                          PRL_UINT32_PTR pnFsEntryLastModifiedDateBufLength) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        out_ptr(pnFsEntryLastModifiedDateBufLength);
        return copy_out(entry->item().modified, sFsEntryLastModifiedDate, pnFsEntryLastModifiedDateBufLength);
    });
}

PRL_RESULT PrlFsEntry_GetSize(PRL_HANDLE hFsEntry, PRL_UINT64_PTR pnSize) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        *out_ptr(pnSize) = entry->item().size;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsEntry_GetPermissions(PRL_HANDLE hFsEntry, PRL_UINT32_PTR pnPermissions) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        *out_ptr(pnPermissions) = entry->item().permissions;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFsEntry_GetType(PRL_HANDLE hFsEntry, PRL_FILE_SYSTEM_ELEMENT_TYPE_PTR pnFsEntryType) {
    return sync([&] {
        auto entry = handle_cast<FsEntry>(hFsEntry);
        enum_out(out_ptr(pnFsEntryType), entry->item().type);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"

namespace prl::abi {

// prefix[delimiter N]suffix, the first not taken in `dir` (names compared
// without regard to case, as the product does); "tmpfile" without a prefix.
std::string generate_name(const std::string& dir, std::string prefix, const std::string& suffix,
                          const std::string& delimiter) {
    auto lower = [](std::string s) {
        for (char& c : s)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return s;
    };
    std::set<std::string> taken;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d)) taken.insert(lower(e->d_name));
        ::closedir(d);
    }
    if (prefix.empty()) prefix = "tmpfile";
    for (std::uint64_t n = 0;; ++n) {
        std::string name = n == 0 ? prefix + suffix : prefix + delimiter + std::to_string(n) + suffix;
        if (!taken.count(lower(name))) return name;
    }
}

}  // namespace prl::abi
