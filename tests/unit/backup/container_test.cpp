// Container backups: files, directories, symlinks, fifos, permissions and
// timestamps come back exactly; incrementals reuse unchanged files.
#include "backup_test_util.h"
#include "test_home.h"

#include <map>
#include <sys/time.h>

using namespace prl::backup;
using namespace prl::backup::test;

namespace {

const char* kCt = "{c0000000-2222-3333-4444-555555555555}";

struct NodeState {
    char type;
    unsigned mode;
    uint64_t size;
    int64_t mtime_s, mtime_ns, atime_s, atime_ns;
    std::string link;
    std::vector<uint8_t> content;
    bool operator==(const NodeState& o) const {
        return type == o.type && mode == o.mode && size == o.size && mtime_s == o.mtime_s && mtime_ns == o.mtime_ns &&
               atime_s == o.atime_s && atime_ns == o.atime_ns && link == o.link && content == o.content;
    }
};

// Stats everything first (reading contents may touch atimes), then reads files.
std::map<std::string, NodeState> capture(const fs::path& root) {
    std::map<std::string, NodeState> out;
    std::vector<fs::path> all{root};
    for (auto& e : fs::recursive_directory_iterator(root)) all.push_back(e.path());
    for (const fs::path& p : all) {
        struct stat st {};
        REQUIRE(::lstat(p.c_str(), &st) == 0);
        NodeState n{};
        n.type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : S_ISFIFO(st.st_mode) ? 'p' : '?';
        n.mode = st.st_mode & 07777;
        n.size = n.type == 'f' ? static_cast<uint64_t>(st.st_size) : 0;
        n.mtime_s = st.st_mtim.tv_sec;
        n.mtime_ns = st.st_mtim.tv_nsec;
        // Directory atimes change when listed; compare them for files, links, fifos.
        if (n.type != 'd') {
            n.atime_s = st.st_atim.tv_sec;
            n.atime_ns = st.st_atim.tv_nsec;
        }
        if (n.type == 'l') n.link = fs::read_symlink(p).string();
        out[p == root ? "." : fs::relative(p, root).string()] = n;
    }
    for (auto& [rel, n] : out)
        if (n.type == 'f' && (n.mode & 0400)) n.content = read_file(root / rel);
    return out;
}

void set_times(const fs::path& p, int64_t mtime, long ns) {
    const int64_t now = ::time(nullptr);
    // atime after mtime and ctime (relatime then leaves it alone when the file is read).
    const timespec times[2] = {{static_cast<time_t>(now + 3600), ns + 1}, {static_cast<time_t>(mtime), ns}};
    REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

void build_tree(const fs::path& r) {
    fs::create_directories(r / "etc" / "conf.d");
    fs::create_directories(r / "var" / "log");
    fs::create_directories(r / "ro");
    pwrite_bytes(r / "etc" / "hostname", 0, {'c', 't', '1', '\n'});
    pwrite_bytes(r / "etc" / "conf.d" / "a.conf", 0, std::vector<uint8_t>(10000, 'a'));
    std::mt19937_64 rng(9);
    pwrite_bytes(r / "var" / "log" / "big.log", 0, random_bytes(rng, 300000));
    truncate_file(r / "var" / "sparse.db", 8 << 20);
    pwrite_bytes(r / "var" / "sparse.db", 5 << 20, random_bytes(rng, 5000));
    truncate_file(r / "empty", 0);
    pwrite_bytes(r / "ro" / "secret", 0, {'s'});
    pwrite_bytes(r / "bin-tool", 0, {'#', '!'});
    fs::create_symlink("etc/hostname", r / "link-rel");
    fs::create_symlink("/nonexistent/target", r / "link-dangling");
    REQUIRE(::mkfifo((r / "fifo").c_str(), 0640) == 0);
    fs::permissions(r / "bin-tool", fs::perms(0755));
    fs::permissions(r / "ro" / "secret", fs::perms(0400));
    fs::permissions(r / "etc" / "conf.d" / "a.conf", fs::perms(0640));
    for (auto& e : fs::recursive_directory_iterator(r))
        if (!e.is_directory()) set_times(e.path(), 1600000000 + static_cast<int64_t>(e.path().string().size()), 123456789);
    for (const char* d : {"etc/conf.d", "etc", "var/log", "var", "ro"}) set_times(r / d, 1500000000, 5);
    fs::permissions(r / "ro", fs::perms(0555));
    set_times(r / "ro", 1500000001, 7);
    set_times(r, 1400000000, 9);
}

void make_writable(const fs::path& r) {
    std::error_code ec;
    for (auto& e : fs::recursive_directory_iterator(r, ec))
        if (e.is_directory() && !e.is_symlink()) fs::permissions(e.path(), fs::perms(0755), ec);
    fs::permissions(r, fs::perms(0755), ec);
}

}  // namespace

namespace Catch {
template <> struct StringMaker<NodeState> {
    static std::string convert(const NodeState& n) {
        return std::string(1, n.type) + " mode=" + std::to_string(n.mode) + " size=" + std::to_string(n.size) +
               " mtime=" + std::to_string(n.mtime_s) + "." + std::to_string(n.mtime_ns) + " atime=" +
               std::to_string(n.atime_s) + "." + std::to_string(n.atime_ns) + " link=" + n.link +
               " content=" + std::to_string(n.content.size());
    }
};
}  // namespace Catch

TEST_CASE("a container tree restores with types, modes, times and contents", "[backup][ct]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "private";
    fs::create_directories(root);
    build_tree(root);
    const auto state1 = capture(root);
    auto repo = Repository::open(tmp.path() / "repo");
    Source src;
    src.vm_uuid = kCt;
    src.vm_name = "ct";
    src.type = VmType::ct;
    src.ct_root = root;
    const std::string full = repo->create(src, opts(Kind::full));

    // Change one file (same size), add one, delete one, retarget a link.
    fs::permissions(root / "ro", fs::perms(0755));
    pwrite_bytes(root / "etc" / "hostname", 0, {'c', 't', '2', '\n'});
    set_times(root / "etc" / "hostname", 1700000000, 1);
    pwrite_bytes(root / "ro" / "new", 0, {'n'});
    fs::remove(root / "empty");
    fs::remove(root / "link-rel");
    fs::create_symlink("var", root / "link-rel");
    set_times(root / "ro" / "new", 1700000001, 2);
    set_times(root / "link-rel", 1700000002, 2);
    fs::permissions(root / "ro", fs::perms(0555));
    set_times(root / "ro", 1500000002, 3);
    set_times(root / "etc", 1500000003, 3);
    set_times(root, 1400000001, 3);
    const auto state2 = capture(root);
    const std::string inc = repo->create(src, opts(Kind::incremental));

    const auto list = repo->list();
    const ElementInfo* e = find_element(list, inc);
    REQUIRE(e);
    // Only the changed and new files' data is new; the manifest dominates.
    CHECK(e->stored_size < 64 * 1024);
    CHECK(list[0].type == VmType::ct);

    for (const auto& [id, state] : {std::make_pair(full, state1), std::make_pair(inc, state2)}) {
        INFO(id);
        const fs::path out = tmp.path() / ("out" + std::to_string(id.size()));
        RestoreTarget t;
        t.directory = out;
        repo->restore(id, t);
        const auto got = capture(out);
        for (const auto& [path, n] : state) {
            INFO(path);
            REQUIRE(got.count(path));
            CHECK(got.at(path) == n);
        }
        CHECK(got.size() == state.size());
        // The sparse file stays sparse.
        CHECK(allocated_bytes(out / "var" / "sparse.db") < (1 << 20));
        make_writable(out);
    }
    // A VM-style restore of a container backup is refused.
    RestoreTarget wrong;
    wrong.disks["hdd0"] = tmp.path() / "x.img";
    CHECK(error_code_of([&] { repo->restore(full, wrong); }) == Errc::vm_mismatch);
    // So is a non-empty destination.
    RestoreTarget busy;
    busy.directory = root;
    CHECK(error_code_of([&] { repo->restore(full, busy); }) == Errc::invalid_argument);
    make_writable(root);
}

TEST_CASE("a restored tree never escapes its destination through symlinks", "[backup][ct][hostile]") {
    prl::test::TempDir tmp;
    const fs::path root = tmp.path() / "private";
    fs::create_directories(root / "d");
    pwrite_bytes(root / "d" / "f", 0, {'x'});
    fs::create_symlink(tmp.path() / "outside", root / "escape");
    fs::create_directories(tmp.path() / "outside");
    auto repo = Repository::open(tmp.path() / "repo");
    Source src;
    src.vm_uuid = kCt;
    src.type = VmType::ct;
    src.ct_root = root;
    const std::string id = repo->create(src, opts(Kind::full));
    RestoreTarget t;
    t.directory = tmp.path() / "restored";
    repo->restore(id, t);
    CHECK(fs::is_symlink(tmp.path() / "restored" / "escape"));
    CHECK(fs::is_empty(tmp.path() / "outside"));
    CHECK(same_bytes(tmp.path() / "restored" / "d" / "f", root / "d" / "f"));
}
