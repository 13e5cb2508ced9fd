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

void Vm::stored(const service::VmEntry& entry) {
    std::lock_guard<std::mutex> lock(mutex_);
    revision_ = entry.revision;
    config_.uuid = entry.uuid;
    config_.name = entry.name;
    registered_ = true;
}

}  // namespace prl
