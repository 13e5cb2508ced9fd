#include "container_tree.h"

#include "chunk_reader.h"
#include "error.h"
#include "platform_io.h"
#include "staged_files.h"

#include <algorithm>
#include <optional>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prl::backup {

namespace {

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};

// Sorted entry names of the directory open as `fd` (fd is consumed).
std::vector<std::string> sorted_names(UniqueFd fd, const std::string& what) {
    DIR* raw = ::fdopendir(fd.get());
    if (!raw) throw_errno(errno, "cannot list " + what);
    fd.release();
    std::unique_ptr<DIR, DirCloser> dir(raw);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* e = ::readdir(dir.get())) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
        errno = 0;
    }
    if (errno != 0) throw_errno(errno, "cannot list " + what);
    std::sort(names.begin(), names.end());
    return names;
}

UniqueFd open_at(int dirfd, const std::string& name, int flags, const std::string& what) {
    int fd;
    do fd = ::openat(dirfd, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno(errno, "cannot open " + what);
    return UniqueFd(fd);
}

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

TreeNode node_from_stat(const struct stat& st, NodeType type, std::string path) {
    TreeNode n;
    n.type = type;
    n.path = std::move(path);
    n.mode = st.st_mode & 07777;
    n.uid = st.st_uid;
    n.gid = st.st_gid;
    n.atime = st.st_atim;
    n.mtime = st.st_mtim;
    n.ctime = st.st_ctim;
    n.ino = st.st_ino;
    n.size = type == NodeType::file ? static_cast<uint64_t>(st.st_size) : 0;
    return n;
}

bool same_time(const timespec& a, const timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

class TreeWalker {
public:
    TreeWalker(TreeParent* parent, TreeSink& sink, ThreadPool& pool, ProgressReporter& pr)
        : parent_(parent), sink_(sink), pool_(pool), progress_(pr) {
        if (parent_) cursor_.emplace(*parent_);
    }

    void walk_dir(int dirfd, const std::string& rel, const std::string& shown) {
        UniqueFd again = open_at(dirfd, ".", O_RDONLY | O_DIRECTORY, shown);
        for (const std::string& name : sorted_names(std::move(again), shown)) {
            progress_.check_cancel();
            const std::string path = join(rel, name);
            struct stat st {};
            if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT) continue;  // vanished while walking
                throw_errno(errno, "cannot stat " + shown + "/" + name);
            }
            if (S_ISDIR(st.st_mode)) {
                sink_.node(node_from_stat(st, NodeType::dir, path));
                UniqueFd sub = open_at(dirfd, name, O_RDONLY | O_DIRECTORY, shown + "/" + name);
                walk_dir(sub.get(), path, shown + "/" + name);
            } else if (S_ISREG(st.st_mode)) {
                file(dirfd, name, st, path, shown + "/" + name);
            } else if (S_ISLNK(st.st_mode)) {
                TreeNode n = node_from_stat(st, NodeType::symlink, path);
                std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
                const ssize_t len = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
                if (len < 0) throw_errno(errno, "cannot read link " + shown + "/" + name);
                target.resize(static_cast<size_t>(len));
                n.link_target = target;
                sink_.node(n);
            } else if (S_ISFIFO(st.st_mode)) {
                sink_.node(node_from_stat(st, NodeType::fifo, path));
            }
            // Sockets and device nodes are not backed up (docs/backup-engine.md).
        }
    }

    void file(int dirfd, const std::string& name, const struct stat& st, const std::string& path, const std::string& shown) {
        TreeNode n = node_from_stat(st, NodeType::file, path);
        // Unchanged since the parent element: reuse its block list.
        if (parent_) {
            const TreeNode* p = cursor_->seek(path);
            if (p && p->type == NodeType::file && p->size == n.size && same_time(p->mtime, n.mtime) &&
                same_time(p->ctime, n.ctime) && p->ino == n.ino) {
                sink_.unchanged_file(n, *parent_);
                progress_.add(n.size);
                return;
            }
        }
        UniqueFd fd = open_at(dirfd, name, O_RDONLY, shown);
        sink_.node(n);
        ChunkReader reader(pool_, fd.get(), n.size, shown);
        while (const HashedChunk* c = reader.next()) {
            progress_.check_cancel();
            if (!c->hole) {
                for (size_t i = 0; i < c->nblocks; ++i)
                    if (!c->zero[i]) sink_.block(c->first_block + i, c->hashes[i], c->block(i));
            }
            progress_.add(std::min<uint64_t>(c->nblocks * kBlockSize, n.size - std::min(n.size, c->first_block * kBlockSize)));
        }
    }

private:
    TreeParent* parent_;
    std::optional<ParentCursor> cursor_;
    TreeSink& sink_;
    ThreadPool& pool_;
    ProgressReporter& progress_;
};

void measure(int dirfd, TreeTotals& t, const std::string& shown) {
    UniqueFd again = open_at(dirfd, ".", O_RDONLY | O_DIRECTORY, shown);
    for (const std::string& name : sorted_names(std::move(again), shown)) {
        struct stat st {};
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        ++t.nodes;
        if (S_ISREG(st.st_mode)) t.file_bytes += static_cast<uint64_t>(st.st_size);
        if (S_ISDIR(st.st_mode)) {
            UniqueFd sub = open_at(dirfd, name, O_RDONLY | O_DIRECTORY, shown + "/" + name);
            measure(sub.get(), t, shown + "/" + name);
        }
    }
}

}  // namespace

void check_tree_root(const fs::path& root) {
    std::error_code ec;
    if (root.empty() || !fs::is_directory(root, ec)) throw Error(Errc::invalid_argument, "container root is not a directory");
}

TreeTotals measure_tree(const fs::path& root) {
    TreeTotals t;
    UniqueFd fd = open_file(root, O_RDONLY | O_DIRECTORY);
    measure(fd.get(), t, root.string());
    return t;
}

void StoreTreeSink::unchanged_file(const TreeNode& n, TreeParent& parent) {
    out_.node(n);
    while (const MapEntry* b = parent.next_block()) out_.block(*b);
}

void StoreTreeSink::block(uint64_t index, const Digest& hash, const uint8_t* data) {
    out_.block(store_.put_entry(index, hash, data));
}

void backup_tree(const fs::path& root, TreeParent* parent, TreeSink& sink, ThreadPool& pool,
                 ProgressReporter& progress) {
    UniqueFd fd = open_file(root, O_RDONLY | O_DIRECTORY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno(errno, "cannot stat " + root.string());
    sink.node(node_from_stat(st, NodeType::dir, ""));
    if (parent) parent->next_node();  // the parent's root
    TreeWalker w(parent, sink, pool, progress);
    w.walk_dir(fd.get(), "", root.string());
}

// ---- restore ----

namespace {

class TreeBuilder {
public:
    explicit TreeBuilder(const fs::path& dest) {
        root_ = open_file(dest, O_RDONLY | O_DIRECTORY);
        owner_ = ::geteuid() == 0;
    }

    // Directory holding `path`, opened component by component without
    // following symlinks, so no entry can lead outside the destination.
    int parent_of(const std::string& path, std::string& leaf) {
        const size_t slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
        leaf = slash == std::string::npos ? path : path.substr(slash + 1);
        if (dir.empty()) return root_.get();
        if (cached_ && cached_path_ == dir) return cached_.get();
        UniqueFd cur;
        size_t start = 0;
        while (start < dir.size()) {
            size_t end = dir.find('/', start);
            if (end == std::string::npos) end = dir.size();
            const std::string comp = dir.substr(start, end - start);
            int fd = ::openat(cur ? cur.get() : root_.get(), comp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) throw Error(Errc::corrupted, "manifest entry " + path + " has no parent directory");
            cur.reset(fd);
            start = end + 1;
        }
        cached_ = std::move(cur);
        cached_path_ = dir;
        return cached_.get();
    }

    void set_attrs(int dirfd, const std::string& leaf, const TreeNode& n, bool is_link) {
        const int flags = AT_SYMLINK_NOFOLLOW;
        if (owner_ && ::fchownat(dirfd, leaf.c_str(), n.uid, n.gid, flags) != 0) throw_errno(errno, "chown " + n.path);
        if (!is_link && ::fchmodat(dirfd, leaf.c_str(), n.mode, 0) != 0) throw_errno(errno, "chmod " + n.path);
        const timespec times[2] = {n.atime, n.mtime};
        if (::utimensat(dirfd, leaf.c_str(), times, flags) != 0) throw_errno(errno, "set times of " + n.path);
    }

    void root_attrs(const TreeNode& n) {
        if (owner_ && ::fchown(root_.get(), n.uid, n.gid) != 0) throw_errno(errno, "chown root");
        if (::fchmod(root_.get(), n.mode) != 0) throw_errno(errno, "chmod root");
        const timespec times[2] = {n.atime, n.mtime};
        if (::futimens(root_.get(), times) != 0) throw_errno(errno, "set times of root");
    }

    int root() const { return root_.get(); }

private:
    UniqueFd root_, cached_;
    std::string cached_path_;
    bool owner_ = false;
};

}  // namespace

void PackTreeBlocks::read(const TreeNode& file, const MapEntry& e, uint8_t* out) {
    try {
        packs_.get(e.loc.pack).read_block(e.loc.entry, e.hash, out, sha_);
    } catch (const Error& err) {
        if (err.code() == Errc::corrupted) throw Error(Errc::corrupted, what_ + ": file " + file.path + ": " + err.what());
        throw;
    }
}

void restore_tree(const ManifestOpener& manifest, TreeBlocks& blocks, const fs::path& dest, ProgressReporter& progress) {
    TreeBuilder b(dest);
    std::vector<uint8_t> block(kBlockSize);
    {
        const std::unique_ptr<ManifestReader> first = manifest();
        ManifestReader& r = *first;
        while (const TreeNode* n = r.next_node()) {
            progress.check_cancel();
            if (n->path.empty()) continue;  // root: attributes in the second pass
            std::string leaf;
            const int dirfd = b.parent_of(n->path, leaf);
            switch (n->type) {
            case NodeType::dir:
                if (::mkdirat(dirfd, leaf.c_str(), 0700) != 0) throw_errno(errno, "mkdir " + n->path);
                break;
            case NodeType::symlink:
                if (::symlinkat(n->link_target.c_str(), dirfd, leaf.c_str()) != 0) throw_errno(errno, "symlink " + n->path);
                b.set_attrs(dirfd, leaf, *n, true);
                break;
            case NodeType::fifo:
                if (::mkfifoat(dirfd, leaf.c_str(), 0600) != 0) throw_errno(errno, "mkfifo " + n->path);
                b.set_attrs(dirfd, leaf, *n, false);
                break;
            case NodeType::file: {
                UniqueFd fd = open_at(dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL, n->path);
                if (::ftruncate(fd.get(), static_cast<off_t>(n->size)) != 0) throw_errno(errno, "resize " + n->path);
                while (const MapEntry* e = r.next_block()) {
                    blocks.read(*n, *e, block.data());
                    const uint64_t off = e->index * kBlockSize;
                    pwrite_all(fd.get(), block.data(), static_cast<size_t>(std::min<uint64_t>(kBlockSize, n->size - off)), off, n->path);
                }
                b.set_attrs(dirfd, leaf, *n, false);
                progress.add(n->size);
                break;
            }
            }
        }
    }
    // Second pass: directory modes and times, each applied once its subtree is
    // complete (post-order), so a read-only directory never blocks its children.
    const std::unique_ptr<ManifestReader> second = manifest();
    ManifestReader& r = *second;
    std::vector<TreeNode> open_dirs;
    auto close_dir = [&] {
        const TreeNode n = std::move(open_dirs.back());
        open_dirs.pop_back();
        if (n.path.empty()) return b.root_attrs(n);
        std::string leaf;
        const int dirfd = b.parent_of(n.path, leaf);
        b.set_attrs(dirfd, leaf, n, false);
    };
    auto inside = [](const std::string& dir, const std::string& path) {
        return dir.empty() || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
    };
    while (const TreeNode* n = r.next_node()) {
        if (n->type != NodeType::dir) continue;
        while (!open_dirs.empty() && !inside(open_dirs.back().path, n->path)) close_dir();
        open_dirs.push_back(*n);
    }
    while (!open_dirs.empty()) close_dir();
    if (::syncfs(b.root()) != 0) throw_errno(errno, "sync " + dest.string());
}

namespace {

// Removes a partly restored tree even where restore already made directories read-only.
void remove_tree_forcibly(const fs::path& dir) {
    std::error_code ec;
    ::chmod(dir.c_str(), 0700);
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
    }
    fs::remove_all(dir, ec);
}

}  // namespace

void restore_tree_into(const fs::path& target, const ManifestOpener& manifest, TreeBlocks& blocks,
                       ProgressReporter& progress) {
    const fs::path dest = target.filename().empty() ? target.parent_path() : target;
    check_target_parent(dest);
    std::error_code ec;
    const bool exists = fs::exists(fs::symlink_status(dest, ec));
    if (exists && (!fs::is_directory(fs::symlink_status(dest, ec)) || !fs::is_empty(dest, ec)))
        throw Error(Errc::invalid_argument, "restore target " + dest.string() + " exists and is not an empty directory");
    const fs::path tmp = temp_beside(dest);
    if (::mkdir(tmp.c_str(), 0700) != 0) throw_errno(errno, "cannot create " + tmp.string());
    try {
        restore_tree(manifest, blocks, tmp, progress);
        rename_durable(tmp, dest);
    } catch (...) {
        remove_tree_forcibly(tmp);
        throw;
    }
}

}  // namespace prl::backup
