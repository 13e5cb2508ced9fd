// BackgroundWriteback: writeback started off the calling thread, waited for
// before the file is synced or closed; a hint that never fails its caller.
#include "backup/background_writeback.h"
#include "backup_test_util.h"
#include "test_home.h"

#include <fcntl.h>
#include <unistd.h>

using namespace prl::backup;
using namespace prl::backup::test;

TEST_CASE("writeback started off the thread leaves the file's bytes as written", "[backup][writeback]") {
    prl::test::TempDir tmp;
    const fs::path file = tmp.path() / "data";
    std::mt19937_64 rng(7);
    const std::vector<uint8_t> bytes = random_bytes(rng, 8 << 20);
    UniqueFd fd = open_file(file, O_WRONLY | O_CREAT | O_EXCL);
    BackgroundWriteback writeback;
    CHECK_FALSE(writeback.running());
    // Each start after the one before has returned: never more than one thread.
    for (size_t at = 0; at < bytes.size(); at += 1 << 20) {
        pwrite_all(fd.get(), bytes.data() + at, 1 << 20, at, "data");
        writeback.start(fd.get(), static_cast<off_t>(at), 1 << 20);
    }
    writeback.start(fd.get(), 0, 0);  // the whole file
    writeback.wait();
    CHECK_FALSE(writeback.running());
    fsync_fd(fd.get(), "data");
    fd.reset();
    CHECK(read_file(file) == bytes);
}

TEST_CASE("writeback of a descriptor that is no file is a hint that fails quietly", "[backup][writeback]") {
    BackgroundWriteback writeback;
    writeback.start(-1, 0, 0);
    writeback.wait();
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    writeback.start(pipe_fds[1], 0, 4096);  // ESPIPE, on its thread
    writeback.wait();
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    CHECK_FALSE(writeback.running());
}

TEST_CASE("a writeback still running is waited for when it goes", "[backup][writeback]") {
    prl::test::TempDir tmp;
    UniqueFd fd = open_file(tmp.path() / "data", O_WRONLY | O_CREAT | O_EXCL);
    std::mt19937_64 rng(8);
    const std::vector<uint8_t> bytes = random_bytes(rng, 4 << 20);
    pwrite_all(fd.get(), bytes.data(), bytes.size(), 0, "data");
    {
        BackgroundWriteback writeback;
        writeback.start(fd.get(), 0, 0);
    }  // its destructor waited: the descriptor may close now (ThreadSanitizer checks the order)
    fd.reset();
}
