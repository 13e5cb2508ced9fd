// The external backup's client objects: PHT_BACKUP (a running external
// backup of a VM), PHT_VIRTUAL_DISK (a raw disk image open for reading, and
// writing when opened so) and PHT_VIRTUAL_DISK_MAP (a changes map).
#pragma once

#include "object.h"
#include "vm.h"

#include "service/external_backup.h"
#include "platform/unique_fd.h"

#include <cstdint>
#include <memory>
#include <string>

namespace prl {

class VmBackup : public Object {
public:
    VmBackup(std::shared_ptr<service::ExternalBackup> b, VmPtr owner)
        : Object(PHT_BACKUP), backup(std::move(b)), vm(std::move(owner)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_BACKUP; }
    const std::shared_ptr<service::ExternalBackup> backup;
    const VmPtr vm;
};

class VirtualDisk : public Object {
public:
    VirtualDisk(platform::UniqueFd f, std::uint64_t bytes, bool can_write, std::string image)
        : Object(PHT_VIRTUAL_DISK), fd(std::move(f)), size(bytes), writable(can_write), path(std::move(image)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VIRTUAL_DISK; }
    const platform::UniqueFd fd;
    const std::uint64_t size;
    const bool writable;
    const std::string path;
    // Set for a disk of an external backup: its maps come from the backup.
    std::shared_ptr<service::ExternalBackup> backup;
    std::size_t backup_index = 0;
};

class DiskMap : public Object {
public:
    explicit DiskMap(service::ChangesMap m) : Object(PHT_VIRTUAL_DISK_MAP), map(std::move(m)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VIRTUAL_DISK_MAP; }
    const service::ChangesMap map;
};

}  // namespace prl
