// prlshimd --pam: a system account logs in with the host's PAM stack. The
// test runs the daemon under pam_wrapper with pam_matrix (a passwords file
// of its own), so no /etc/pam.d file and no real account is involved.
#include "capi.h"
#include "daemon_process.h"
#include "helpers.h"

#include "test_home.h"

#include <fstream>
#include <string>
#include <vector>

using capi::Handle;
using daemon_test::DaemonProcess;
using namespace daemon_test;

namespace {

// pam_wrapper keeps its copy of the services in /tmp/pam.X (a "pid" file
// inside names its process) and removes it only when that process exits
// normally; prlshimd stops abruptly. This removes the one of `pid`.
struct PamWrapperLeftovers {
    pid_t pid = -1;
    ~PamWrapperLeftovers() {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator("/tmp", ec)) {
            if (entry.path().filename().string().rfind("pam.", 0) != 0) continue;
            std::ifstream in(entry.path() / "pid");
            pid_t owner = -1;
            if (in >> owner && owner == pid) std::filesystem::remove_all(entry.path(), ec);
        }
    }
};

}  // namespace

TEST_CASE("prlshimd --pam: a system account logs in through PAM, the users file still first", "[daemon]") {
#if !defined(PAM_WRAPPER_LIB) || !defined(PAM_MATRIX_MODULE)
    WARN("skipped: libpam-wrapper is not installed (Debian: libpam-wrapper), or this is a sanitizer build, "
         "whose runtime refuses pam_wrapper's RTLD_DEEPBIND");
#else
    prl::test::TestHome client_home;
    prl::test::TempDir daemon_home, pam_dir;
    capi::Api api;
    daemon_test::add_user(daemon_home.path(), "alice", "alice's file password");
    const auto passdb = pam_dir.path() / "passdb";
    std::ofstream(passdb) << "dave:dave's system password:prlshimd\n"
                          << "alice:alice's system password:prlshimd\n";
    std::filesystem::create_directories(pam_dir.path() / "services");
    std::ofstream(pam_dir.path() / "services" / "prlshimd")
        << "auth required " PAM_MATRIX_MODULE " passdb=" << passdb.string() << "\n"
        << "account required " PAM_MATRIX_MODULE " passdb=" << passdb.string() << "\n";
    const std::vector<std::string> environment = {
        "LD_PRELOAD=" PAM_WRAPPER_LIB,
        "PAM_WRAPPER=1",
        "PAM_WRAPPER_SERVICE_DIR=" + (pam_dir.path() / "services").string()};
    PamWrapperLeftovers leftovers;  // after the daemon has gone
    DaemonProcess daemon(daemon_home.path(), "127.0.0.1:0", {"--pam", "--login-backoff", "0"}, environment);
    leftovers.pid = daemon.pid();

    Handle server;
    REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
    CHECK(login(server, daemon.port(), "dave", "wrong password") == PRL_ERR_AUTHENTICATION_FAILED);
    CHECK(login(server, daemon.port(), "erin", "dave's system password") == PRL_ERR_AUTHENTICATION_FAILED);
    // A name of the users file is checked there only.
    CHECK(login(server, daemon.port(), "alice", "alice's system password") == PRL_ERR_AUTHENTICATION_FAILED);
    REQUIRE(login(server, daemon.port(), "alice", "alice's file password") == PRL_ERR_SUCCESS);
    REQUIRE_PRL_OK(capi::wait_code(Handle(PrlSrv_Logoff(server)), 30000));

    REQUIRE(login(server, daemon.port(), "dave", "dave's system password") == PRL_ERR_SUCCESS);
    Handle vm = make_vm(server, "daves-vm");
    CHECK(vm_count(server) == 1);
    Handle acl;
    REQUIRE_PRL_OK(PrlVmCfg_GetAccessRights(vm, acl.out()));
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlAcl_GetOwnerName(acl, b, l); }) == "dave");
    PRL_BOOL mine = PRL_FALSE;
    REQUIRE_PRL_OK(PrlAcl_IsCurrentSessionOwner(acl, &mine));
    CHECK(mine == PRL_TRUE);
#endif
}
