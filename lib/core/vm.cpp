#include "vm.h"

namespace prl {

service::VmConfig Vm::config() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return config_;
}

std::string Vm::uuid() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return config_.uuid;
}

void Vm::rebase(std::uint64_t previous, std::uint64_t next) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (registered_ && revision_ == previous) revision_ = next;
}

void Vm::load(const service::VmRecord& record) {
    std::lock_guard<std::mutex> lock(mutex_);
    config_ = record.config;
    revision_ = record.entry.revision;
    registered_ = true;
}

bool Vm::registered() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return registered_;
}

std::uint64_t Vm::revision() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return revision_;
}

void Vm::forget() {
    std::lock_guard<std::mutex> lock(mutex_);
    registered_ = false;
    revision_ = 0;
}

}  // namespace prl
