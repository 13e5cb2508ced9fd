// Writeback of a file's written pages, started on a thread of its own.
// sync_file_range(SYNC_FILE_RANGE_WRITE) submits the I/O in the caller and
// sleeps whenever the device's queue is full (13-35 ms per 64 MiB on the
// development machine): started inline, that sleep stalls whatever the
// writing thread does next (receive from a node, read the next packs, take
// the next blocks under the store's lock). A hint only: a failure leaves the
// work to the fsync that follows.
#pragma once
#include <sys/types.h>

#include <future>

namespace prl::backup {

class BackgroundWriteback {
public:
    BackgroundWriteback() = default;
    BackgroundWriteback(const BackgroundWriteback&) = delete;
    BackgroundWriteback& operator=(const BackgroundWriteback&) = delete;
    ~BackgroundWriteback() { wait(); }

    // Starts writeback of `length` bytes of `fd` from `from` (0, 0: the
    // whole file), after the start before it has returned. `fd` must stay
    // open until wait().
    void start(int fd, off_t from, off_t length);
    // The last start is still submitting.
    bool running() const;
    // Returns once no start is running (before `fd` is synced or closed).
    void wait();

private:
    std::future<void> running_;
};

}  // namespace prl::backup
