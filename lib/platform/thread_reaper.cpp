#include "platform/thread_reaper.h"

#include <mutex>
#include <vector>

namespace prl::platform {
namespace {

class Reaper {
public:
    // Joins the threads handed over before, never the caller's own.
    void adopt(std::thread thread) {
        std::vector<std::thread> earlier;
        {
            std::lock_guard lock(mutex_);
            earlier.swap(threads_);
            threads_.push_back(std::move(thread));
        }
        join_all(earlier);
    }

    // Static objects are destroyed by exit() before the shared libraries'
    // own destructors run, so these threads end before libxml2 is cleaned up.
    ~Reaper() {
        std::vector<std::thread> left;
        {
            std::lock_guard lock(mutex_);
            left.swap(threads_);
        }
        join_all(left);
    }

private:
    static void join_all(std::vector<std::thread>& threads) {
        for (auto& t : threads) {
            if (t.get_id() == std::this_thread::get_id())
                t.detach();  // exit() called from a handed-over thread itself
            else if (t.joinable())
                t.join();
        }
    }

    std::mutex mutex_;
    std::vector<std::thread> threads_;
};

Reaper& reaper() {
    static Reaper instance;
    return instance;
}

}  // namespace

void reap_later(std::thread thread) { reaper().adopt(std::move(thread)); }

}  // namespace prl::platform
