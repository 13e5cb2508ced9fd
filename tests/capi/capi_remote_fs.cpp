// Remote file system browsing on the embedded service's host: PrlSrv_Fs*,
// PrlFsInfo_*, PrlFsEntry_*.
#include "session_fixture.h"

#include <fstream>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using capi::Handle;
namespace fs = std::filesystem;

namespace {

std::string entry_text(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return getter(h, b, l); });
}

struct Entry {
    std::string path, name, modified;
    PRL_FILE_SYSTEM_ELEMENT_TYPE type;
    PRL_UINT64 size;
    PRL_UINT32 perms;
};

Entry read_entry(PRL_HANDLE h) {
    Entry e{};
    e.path = entry_text(PrlFsEntry_GetAbsolutePath, h);
    e.name = entry_text(PrlFsEntry_GetRelativeName, h);
    e.modified = entry_text(PrlFsEntry_GetLastModifiedDate, h);
    REQUIRE_PRL_OK(PrlFsEntry_GetType(h, &e.type));
    REQUIRE_PRL_OK(PrlFsEntry_GetSize(h, &e.size));
    REQUIRE_PRL_OK(PrlFsEntry_GetPermissions(h, &e.perms));
    return e;
}

std::vector<Entry> children(PRL_HANDLE info) {
    PRL_UINT32 n = 0;
    REQUIRE_PRL_OK(PrlFsInfo_GetChildEntriesCount(info, &n));
    std::vector<Entry> out;
    for (PRL_UINT32 i = 0; i < n; ++i) {
        Handle e;
        REQUIRE_PRL_OK(PrlFsInfo_GetChildEntry(info, i, e.out()));
        out.push_back(read_entry(e));
    }
    return out;
}

struct FsSession : capi::Session {
    prl::test::TempDir scratch;
    std::string dir() const { return scratch.path().string(); }
    std::string at(const std::string& name) const { return (scratch.path() / name).string(); }
};

}  // namespace

TEST_CASE("FsGetDiskList: one drive, the root", "[remote_fs]") {
    FsSession s;
    Handle info = capi::job_param(PrlSrv_FsGetDiskList(s.server));
    PRL_FILE_SYSTEM_TYPE type;
    REQUIRE_PRL_OK(PrlFsInfo_GetType(info, &type));
    CHECK(type == PFS_UNIX_LIKE_FS);
    auto list = children(info);
    REQUIRE(list.size() == 1);
    CHECK(list[0].path == "/");
    CHECK(list[0].type == PSE_DRIVE);
    CHECK((list[0].perms & FS_PERM_READ) != 0);
    Handle parent;
    REQUIRE_PRL(PrlFsInfo_GetParentEntry(info, parent.out()), PRL_ERR_NO_DATA);
}

TEST_CASE("FsGetDirEntries lists a real directory, sorted, with sizes, types, dates, permissions", "[remote_fs]") {
    FsSession s;
    { std::ofstream(s.at("b.txt")) << "12345"; }
    fs::create_directory(s.at("a-dir"));
    fs::create_symlink(s.at("a-dir"), s.at("c-link"));
    fs::create_symlink(s.at("nowhere"), s.at("d-dangling"));
    REQUIRE(::mkfifo(s.at("e-fifo").c_str(), 0600) == 0);  // listed, never opened

    Handle info = capi::job_param(PrlSrv_FsGetDirEntries(s.server, s.dir().c_str()));
    PRL_FILE_SYSTEM_FS_TYPE fs_type;
    REQUIRE_PRL_OK(PrlFsInfo_GetFsType(info, &fs_type));
    Handle parent;
    REQUIRE_PRL_OK(PrlFsInfo_GetParentEntry(info, parent.out()));
    const Entry p = read_entry(parent);
    CHECK(p.path == s.dir());
    CHECK(p.type == PSE_DIRECTORY);
    CHECK(p.perms == (FS_PERM_READ | FS_PERM_WRITE | FS_PERM_EXECUTE));
    CHECK(p.modified.size() == 19);  // yyyy-MM-dd hh:mm:ss

    auto list = children(info);
    REQUIRE(list.size() == 5);
    CHECK(list[0].name == "a-dir");
    CHECK(list[0].type == PSE_DIRECTORY);
    CHECK(list[0].size == 0);
    CHECK(list[1].name == "b.txt");
    CHECK(list[1].path == s.at("b.txt"));
    CHECK(list[1].type == PSE_FILE);
    CHECK(list[1].size == 5);
    CHECK(list[2].name == "c-link");
    CHECK(list[2].type == PSE_DIRECTORY);  // shown as what it points to
    CHECK(list[3].type == PSE_FILE);       // a dangling link
    CHECK(list[4].name == "e-fifo");

    Handle e;
    REQUIRE_PRL(PrlFsInfo_GetChildEntry(info, 5, e.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlFsInfo_GetChildEntry(info, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlFsInfo_GetChildEntry(s.server, 0, e.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlFsEntry_GetSize(info, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlFsEntry_GetSize(parent, nullptr), PRL_ERR_INVALID_ARG);
    PRL_UINT64 size;
    REQUIRE_PRL(PrlFsEntry_GetSize(info, &size), PRL_ERR_INVALID_ARG);  // wrong handle type

    // An entry outlives the listing handle it came from.
    REQUIRE_PRL_OK(PrlFsInfo_GetChildEntry(info, 1, e.out()));
    info.reset();
    CHECK(read_entry(e).size == 5);
}

TEST_CASE("FsGetDirEntries: the product's codes for missing, non-directory and hostile paths", "[remote_fs]") {
    FsSession s;
    { std::ofstream(s.at("file")) << "x"; }
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, s.at("missing").c_str())) == PRL_ERR_DIRECTORY_DOES_NOT_EXIST);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, s.at("file").c_str())) == PRL_ERR_DIRECTORY_DOES_NOT_EXIST);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, "")) == PRL_ERR_NO_TARGET_PATH_SPECIFIED);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, "relative/dir")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, nullptr)) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, "/tmp/\xff\xfe")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, "/tmp/a\nb")) == PRL_ERR_INVALID_ARG);
    const std::string huge = "/" + std::string(1 << 20, 'a');
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, huge.c_str())) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(capi::forged_handle(), "/")) == PRL_ERR_INVALID_ARG);
    if (::geteuid() != 0) {
        fs::create_directory(s.at("closed"));
        ::chmod(s.at("closed").c_str(), 0);
        CHECK(capi::job_code(PrlSrv_FsGetDirEntries(s.server, s.at("closed").c_str())) == PRL_ERR_ACCESS_DENIED);
        ::chmod(s.at("closed").c_str(), 0700);
    }
    // /proc is listed without reading anything in it.
    Handle proc = capi::job_param(PrlSrv_FsGetDirEntries(s.server, "/proc/self/"));
    Handle parent;
    REQUIRE_PRL_OK(PrlFsInfo_GetParentEntry(proc, parent.out()));
    CHECK(read_entry(parent).path == "/proc/self");
}

TEST_CASE("file system calls need a login", "[remote_fs]") {
    prl::test::TestHome home;
    capi::Api api;
    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(capi::job_code(PrlSrv_FsGetDiskList(server)) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
    CHECK(capi::job_code(PrlSrv_FsGetDirEntries(server, "/")) == PRL_ERR_NOT_CONNECTED_TO_DISPATCHER);
}

TEST_CASE("FsCreateDir, FsRenameEntry, FsRemoveEntry change the disk", "[remote_fs]") {
    FsSession s;
    const std::string deep = s.at("x/y/z");
    Handle made = capi::job_param(PrlSrv_FsCreateDir(s.server, deep.c_str()));
    CHECK(fs::is_directory(deep));
    Handle parent;
    REQUIRE_PRL_OK(PrlFsInfo_GetParentEntry(made, parent.out()));
    CHECK(read_entry(parent).path == deep);
    CHECK(capi::job_code(PrlSrv_FsCreateDir(s.server, deep.c_str())) == PRL_ERR_TARGET_NAME_ALREADY_OCCUPIED);
    { std::ofstream(s.at("blocker")) << "x"; }
    CHECK(capi::job_code(PrlSrv_FsCreateDir(s.server, s.at("blocker/sub").c_str())) == PRL_ERR_MAKE_DIRECTORY);

    // Rename: never replaces.
    { std::ofstream(s.at("one")) << "1"; }
    { std::ofstream(s.at("two")) << "2"; }
    CHECK(capi::job_code(PrlSrv_FsRenameEntry(s.server, s.at("one").c_str(), s.at("two").c_str())) ==
          PRL_ERR_ENTRY_ALREADY_EXISTS);
    CHECK(capi::job_code(PrlSrv_FsRenameEntry(s.server, s.at("one").c_str(), s.at("x").c_str())) ==
          PRL_ERR_ENTRY_DIR_ALREADY_EXISTS);
    CHECK(capi::job_code(PrlSrv_FsRenameEntry(s.server, s.at("none").c_str(), s.at("three").c_str())) ==
          PRL_ERR_ENTRY_DOES_NOT_EXIST);
    Handle after = capi::job_param(PrlSrv_FsRenameEntry(s.server, s.at("one").c_str(), s.at("three").c_str()));
    CHECK(!fs::exists(s.at("one")));
    CHECK(fs::exists(s.at("three")));
    bool listed = false;
    for (const Entry& e : children(after)) listed = listed || e.name == "three";
    CHECK(listed);

    // Remove: a file or an empty directory.
    CHECK(capi::job_code(PrlSrv_FsRemoveEntry(s.server, s.at("x").c_str())) == PRL_ERR_CANT_REMOVE_DIR_ENTRY);
    CHECK(fs::exists(s.at("x/y/z")));
    Handle listing = capi::job_param(PrlSrv_FsRemoveEntry(s.server, deep.c_str()));
    CHECK(!fs::exists(deep));
    REQUIRE_PRL_OK(PrlFsInfo_GetParentEntry(listing, parent.out()));
    CHECK(read_entry(parent).path == s.at("x/y"));
    capi::job_result(PrlSrv_FsRemoveEntry(s.server, s.at("three").c_str()));
    CHECK(!fs::exists(s.at("three")));
    CHECK(capi::job_code(PrlSrv_FsRemoveEntry(s.server, s.at("three").c_str())) == PRL_ERR_ENTRY_DOES_NOT_EXIST);
    CHECK(capi::job_code(PrlSrv_FsRemoveEntry(s.server, "/")) == PRL_ERR_CANT_REMOVE_DIR_ENTRY);
    CHECK(capi::job_code(PrlSrv_FsRemoveEntry(s.server, "x")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsRenameEntry(s.server, s.at("two").c_str(), nullptr)) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("FsCanCreateFile and FsGenerateEntryName", "[remote_fs]") {
    FsSession s;
    CHECK(capi::job_code(PrlSrv_FsCanCreateFile(s.server, s.at("new.hdd").c_str())) == PRL_ERR_SUCCESS);
    CHECK(capi::job_code(PrlSrv_FsCanCreateFile(s.server, s.at("no/new.hdd").c_str())) ==
          PRL_ERR_DIRECTORY_DOES_NOT_EXIST);
    CHECK(capi::job_code(PrlSrv_FsCanCreateFile(s.server, "")) == PRL_ERR_NO_TARGET_PATH_SPECIFIED);
    if (::geteuid() != 0) {
        fs::create_directory(s.at("ro"));
        ::chmod(s.at("ro").c_str(), 0500);
        CHECK(capi::job_code(PrlSrv_FsCanCreateFile(s.server, s.at("ro/f").c_str())) == PRL_ERR_ACCESS_DENIED);
        ::chmod(s.at("ro").c_str(), 0700);
    }
    CHECK(capi::job_string(PrlSrv_FsGenerateEntryName(s.server, s.dir().c_str(), "disk", ".hdd", "-")) == "disk.hdd");
    { std::ofstream(s.at("disk.hdd")) << ""; }
    { std::ofstream(s.at("DISK-1.hdd")) << ""; }  // compared without regard to case
    CHECK(capi::job_string(PrlSrv_FsGenerateEntryName(s.server, s.dir().c_str(), "disk", ".hdd", "-")) ==
          "disk-2.hdd");
    CHECK(capi::job_string(PrlSrv_FsGenerateEntryName(s.server, s.dir().c_str(), nullptr, nullptr, nullptr)) ==
          "tmpfile");
    CHECK(capi::job_code(PrlSrv_FsGenerateEntryName(s.server, nullptr, "a", "b", "c")) == PRL_ERR_INVALID_ARG);
    CHECK(capi::job_code(PrlSrv_FsGenerateEntryName(s.server, s.dir().c_str(), "../up", "", "")) ==
          PRL_ERR_INVALID_ARG);
}
