#include "clone_ops.h"

#include "error.h"
#include "server.h"
#include "vm_ops.h"

#include "service/store/error.h"
#include "service/store/text_rules.h"
#include "service/store/uuid_text.h"

#include <PrlCommandsFlags.h>

#include <filesystem>

namespace prl::clone_ops {
namespace {

constexpr std::size_t max_name_bytes = 200;  // a bundle directory name with its ".pvm"

void check_name(const std::string& name) {
    require(!name.empty(), PRL_ERR_VM_NAME_IS_EMPTY, "the new name is empty");
    require(name.size() <= max_name_bytes && service::is_valid_utf8(name), PRL_ERR_INVALID_ARG,
            "the new name is not UTF-8 or too long");
    // '/', control characters, ".", "..", a leading '.': it would not be one directory name.
    require(service::is_valid_entry_name(name), PRL_ERR_VMCONF_VM_NAME_HAS_INVALID_SYMBOL,
            "the new name has a character a directory name cannot have");
}

// A directory the client names: absolute, and (for a clone) existing.
void check_place(const std::string& path, bool must_exist) {
    require(path.size() < 4096 && service::is_valid_utf8(path), PRL_ERR_INVALID_ARG, "the path is not UTF-8 or too long");
    require(path[0] == '/', PRL_ERR_VMDIR_PATH_IS_NOT_ABSOLUTE, "the path is not absolute");
    std::error_code ec;
    if (must_exist)
        require(std::filesystem::is_directory(path, ec), PRL_ERR_DIRECTORY_DOES_NOT_EXIST,
                "the directory does not exist");
}

bool cannot_clone_in(service::VmState s) {
    // The product refuses a suspended VM (its memory would be lost); running and paused are cloned.
    return s == service::VmState::suspended || s == service::VmState::suspending ||
           s == service::VmState::suspending_sync;
}

}  // namespace

ResultPtr clone(const VmPtr& vm, const CloneArgs& args) {
    const std::string source = vm_ops::registered_uuid(*vm);
    Server& server = *vm->server();
    auto svc = server.service();
    check_name(args.name);
    require(args.uuid.empty() || service::normalize_uuid(args.uuid), PRL_ERR_INVALID_ARG, "the new UUID is not a UUID");
    if (!args.parent.empty()) check_place(args.parent, true);
    if (cannot_clone_in(svc->power_state(source)))
        fail(PRL_ERR_DISP_VM_COMMAND_CANT_BE_EXECUTED, "a suspended VM cannot be cloned");

    service::CloneRequest request;
    request.source_uuid = source;
    request.name = args.name;
    request.uuid = args.uuid;
    request.parent = args.parent;
    // PCVF_CHANGE_SID (a Windows guest's SID), PCVF_IMPORT_BOOT_CAMP and
    // PCVF_DETACH_EXTERNAL_VIRTUAL_HDD (no disk lies outside a bundle here)
    // have nothing to act on: docs/compatibility.md.
    request.to_template = (args.flags & PCVF_CLONE_TO_TEMPLATE) != 0;
    // No place named: a VM goes to the user's default VM folder when the
    // profile sets one, as a new VM does.
    if (request.parent.empty() && vm->config().type == service::VmType::vm)
        request.parent = svc->current_user().tree.text_at("UserWorkspace/UserDefaultVmFolder").value_or("");

    // A linked clone is made from a new snapshot of its parent, as the
    // product makes it (docs/clones.md); a template is never linked.
    const bool linked = (args.flags & PCVF_LINKED_CLONE) && !request.to_template;
    service::VmEntry entry;
    if (linked) {
        const std::string id = svc->create_snapshot(source, "Snapshot for linked clone " + args.name, "");
        server.emit(vm_ops::vm_event(PET_DSP_EVT_VM_SNAPSHOTS_TREE_CHANGED, vm, source));
        entry = svc->linked_clone(request, id);
    } else {
        entry = svc->clone(request);
    }
    VmPtr made = server.vm_object(entry.uuid);
    made->load(svc->config(entry.uuid));
    server.emit(vm_ops::vm_event(PET_DSP_EVT_VM_ADDED, made, entry.uuid));
    return std::make_shared<Result>(std::vector<Result::Param>{made});
}

ResultPtr move(const VmPtr& vm, const std::string& new_home) {
    const std::string uuid = vm_ops::exclusive_uuid(*vm);
    require(!new_home.empty(), PRL_ERR_INVALID_PARAM, "no new home given");
    check_place(new_home, false);
    auto svc = vm->server()->service();
    try {
        svc->move(uuid, new_home);
    } catch (const service::Error& e) {
        if (e.code() == service::Errc::dir_exists) fail(PRL_ERR_FILE_OR_DIR_ALREADY_EXISTS, e.what());
        throw;
    }
    vm->load(svc->config(uuid));
    vm_ops::announce_config_changed(vm, uuid);
    return std::make_shared<Result>(std::vector<Result::Param>{vm});
}

}  // namespace prl::clone_ops
