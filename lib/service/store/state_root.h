// The directory all embedded-service state lives under, and the fixed names
// inside it. See docs/state-root.md.
#pragma once
#include <filesystem>
#include <string>

namespace prl::service {

class StateRoot {
public:
    // $PRLSHIM_HOME, else $XDG_DATA_HOME/prlshim (absolute values only, as
    // XDG asks), else $HOME/.local/share/prlshim. Does not touch the disk.
    static std::filesystem::path resolve_path();

    // Resolves and creates the root (mode 0700) and the server UUID.
    static StateRoot open();
    // Uses `dir` as the root (created mode 0700 if missing).
    explicit StateRoot(std::filesystem::path dir);

    const std::filesystem::path& path() const { return dir_; }
    // Created once (atomically, first writer wins) and read thereafter.
    const std::string& server_uuid() const { return server_uuid_; }

    std::filesystem::path default_vm_dir() const { return dir_ / "vms"; }
    std::filesystem::path default_ct_dir() const { return dir_ / "cts"; }
    std::filesystem::path inventory_file() const { return dir_ / "inventory.xml"; }
    std::filesystem::path inventory_lock() const { return dir_ / "inventory.lock"; }
    std::filesystem::path server_uuid_file() const { return dir_ / "server-uuid"; }
    // The virtual networks, network classes, shaping and private networks:
    // one document in the product's format (docs/virtual-networks.md).
    std::filesystem::path network_config_file() const { return dir_ / "network.xml"; }
    std::filesystem::path network_config_lock() const { return dir_ / "network.lock"; }
    // The dispatcher configuration (common preferences, users) and its lock.
    std::filesystem::path dispatcher_file() const { return dir_ / "dispatcher.xml"; }
    std::filesystem::path dispatcher_lock() const { return dir_ / "dispatcher.lock"; }
    // Where backups go when no directory is given.
    std::filesystem::path default_backup_dir() const { return dir_ / "backups"; }

private:
    std::filesystem::path dir_;
    std::string server_uuid_;
};

}  // namespace prl::service
