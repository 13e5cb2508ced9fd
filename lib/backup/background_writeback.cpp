#include "background_writeback.h"

#include <fcntl.h>

#include <chrono>
#include <system_error>

namespace prl::backup {

void BackgroundWriteback::start(int fd, off_t from, off_t length) {
    wait();
    try {
        running_ = std::async(std::launch::async, [fd, from, length] {
            ::sync_file_range(fd, from, length, SYNC_FILE_RANGE_WRITE);
        });
    } catch (const std::system_error&) {
        ::sync_file_range(fd, from, length, SYNC_FILE_RANGE_WRITE);  // no thread to spare: here, then
    }
}

bool BackgroundWriteback::running() const {
    return running_.valid() && running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

void BackgroundWriteback::wait() {
    if (running_.valid()) running_.get();
}

}  // namespace prl::backup
