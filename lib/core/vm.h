// Vm (PHT_VIRTUAL_MACHINE, also PHT_VM_CONFIGURATION): a VM or container as
// the client holds it — a local copy of its configuration that setters edit
// and PrlVm_Commit / PrlVm_Reg write back, plus the revision it was read at
// (for the SDK's edit-conflict check) and its own event handlers.
#pragma once

#include "event_bus.h"
#include "object.h"

#include "service/store/inventory.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace prl {

class Server;

class Vm : public Object {
public:
    explicit Vm(std::shared_ptr<Server> server)
        : Object(PHT_VIRTUAL_MACHINE), server_(std::move(server)), handlers_(std::make_shared<HandlerRegistry>()) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VIRTUAL_MACHINE; }
    std::shared_ptr<HandlerRegistry> handlers() const override { return handlers_; }

    const std::shared_ptr<Server>& server() const noexcept { return server_; }

    // Reads or edits the local configuration under the VM's lock.
    template <class F>
    auto read(F&& f) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(static_cast<const service::VmConfig&>(config_));
    }
    template <class F>
    auto edit(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(config_);
    }
    service::VmConfig config() const;
    std::string uuid() const;

    // Replaces the local copy with what the service stores (GetVmList,
    // RefreshConfig, BeginEdit, after Commit).
    void load(const service::VmRecord& record);
    bool registered() const;
    std::uint64_t revision() const;
    // The service stored a change this local copy also carries (a disk
    // resize): a copy based on `previous` is now based on `next`, so the
    // client's own Commit does not conflict with it.
    void rebase(std::uint64_t previous, std::uint64_t next);
    // After PrlVm_Unreg / PrlVm_Delete: the object no longer names a registered VM.
    void forget();

private:
    const std::shared_ptr<Server> server_;
    const HandlerRegistryPtr handlers_;
    mutable std::mutex mutex_;
    service::VmConfig config_;
    std::uint64_t revision_ = 0;
    bool registered_ = false;
};

using VmPtr = std::shared_ptr<Vm>;

}  // namespace prl
