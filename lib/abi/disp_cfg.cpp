// PrlSrv_GetCommonPrefs / CommonPrefsBeginEdit / CommonPrefsCommit(Ex) and
// the PrlDispCfg_* functions with behaviour (the scalar getters and setters
// are table-driven: lib/abi/defs/properties/dispcfg.tsv). A PHT_DISP_CONFIG
// holds a copy of the CommonPreferences element of the state root's
// dispatcher.xml (docs/dispatcher-config.md).
#include "boundary.h"
#include "copy_out.h"
#include "host_path.h"
#include "xml_io.h"

#include "core/disp_objects.h"
#include "core/disp_ops.h"
#include "core/lists.h"
#include "core/server.h"

#include "service/store/vm_config.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {

// The element a FromString gives, if its root is `root`; PRL_ERR_INVALID_ARG
// for anything unparsable, over the size limit or of another kind.
service::XmlTree tree_from_string(PRL_CONST_STR text, const char* root) {
    require(text != nullptr, PRL_ERR_INVALID_ARG, "null string");
    constexpr std::size_t kMax = 8u << 20;
    const std::size_t n = strnlen(text, kMax + 1);
    require(n <= kMax, PRL_ERR_INVALID_ARG, "document too large");
    service::XmlTree t;
    try {
        t = service::parse_tree(std::string(text, n), root);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (...) {
        fail(PRL_ERR_INVALID_ARG, std::string("not a ") + root + " document");
    }
    require(t.name == root, PRL_ERR_INVALID_ARG, "wrong document element");
    return t;
}

// Text a setter stores as one line of the document.
std::string disp_line_arg(PRL_CONST_STR value) {
    require(value != nullptr, PRL_ERR_INVALID_ARG, "null string");
    std::string text(value, strnlen(value, 4097));
    require(service::is_storable_path(text), PRL_ERR_INVALID_ARG, "text not storable");
    return text;
}

}  // namespace prl::abi

namespace {

constexpr const char* kLocked = "LockedOperationsList";
constexpr const char* kLockedItem = "LockedOperation";

PRL_RESULT copy_text(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len) {
    auto cfg = handle_cast<DispConfig>(h);
    out_ptr(len);
    const std::string text = cfg->with_tree([&](service::XmlTree& t) { return t.text_at(path).value_or(""); });
    return copy_out(text, buf, len);
}

PRL_RESULT set_text(PRL_HANDLE h, const char* path, PRL_CONST_STR value) {
    auto cfg = handle_cast<DispConfig>(h);
    const std::string text = disp_line_arg(value);
    cfg->with_tree([&](service::XmlTree& t) { t.set_text_at(path, text); });
    return PRL_ERR_SUCCESS;
}

PRL_HANDLE commit(PRL_HANDLE hServer, PRL_HANDLE hDispCfg) {
    return async(PJOC_SRV_COMMON_PREFS_COMMIT, [&] {
        auto server = handle_cast<Server>(hServer).share();
        auto prefs = handle_cast<DispConfig>(hDispCfg).share();
        return give_job(server->start_job(PJOC_SRV_COMMON_PREFS_COMMIT, [server, prefs](Job&) {
            return disp_ops::commit_common_prefs(*server, *prefs);
        }));
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_GetCommonPrefs(PRL_HANDLE hServer) {
    return async(PJOC_SRV_GET_COMMON_PREFS, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(PJOC_SRV_GET_COMMON_PREFS, [server](Job&) {
            return disp_ops::get_common_prefs(*server);
        }));
    });
}

PRL_HANDLE PrlSrv_CommonPrefsBeginEdit(PRL_HANDLE hServer) {
    return async(PJOC_SRV_COMMON_PREFS_BEGIN_EDIT, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(PJOC_SRV_COMMON_PREFS_BEGIN_EDIT, [server](Job&) {
            return disp_ops::begin_edit_common_prefs(*server);
        }));
    });
}

PRL_HANDLE PrlSrv_CommonPrefsCommit(PRL_HANDLE hServer, PRL_HANDLE hDispCfg) { return commit(hServer, hDispCfg); }

// nFlags is reserved (the product passes it through unread).
PRL_HANDLE PrlSrv_CommonPrefsCommitEx(PRL_HANDLE hServer, PRL_HANDLE hDispCfg, PRL_UINT32) {
    return commit(hServer, hDispCfg);
}

PRL_RESULT PrlDispCfg_FromString(PRL_HANDLE hDispCfg, PRL_CONST_STR sDispCfg) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        service::XmlTree t = tree_from_string(sDispCfg, "CommonPreferences");
        cfg->with_tree([&](service::XmlTree& tree) { tree = std::move(t); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_ToString(PRL_HANDLE hDispCfg, PRL_VOID_PTR_PTR pDispCfg) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        out_ptr(pDispCfg);
        const std::string xml = service::serialize_tree(cfg->section().tree);
        *pDispCfg = malloc_copy(xml);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_GetDefaultVmDir(PRL_HANDLE hDispConfig, PRL_STR sDefaultVmDir,
                                      PRL_UINT32_PTR pnDefaultVmDirBufLength) {
    return sync([&] {
        return copy_text(hDispConfig, "WorkspacePreferences/DefaultVmDirectory", sDefaultVmDir,
                         pnDefaultVmDirBufLength);
    });
}

PRL_RESULT PrlDispCfg_GetDefaultCtDir(PRL_HANDLE hDispConfig, PRL_STR sDefaultDir, PRL_UINT32_PTR pnDefaultDirBufLength) {
    return sync([&] {
        return copy_text(hDispConfig, "DispVirtuozzoPreferences/DefaultCtDirectory", sDefaultDir, pnDefaultDirBufLength);
    });
}

PRL_RESULT PrlDispCfg_GetDefaultBackupDirectory(PRL_HANDLE hDispConfig, PRL_STR sBackupDirectory,
                                                PRL_UINT32_PTR pnBackupDirectoryBufLength) {
    return sync([&] {
        return copy_text(hDispConfig, "BackupTargetPreferences/DefaultBackupDirectory", sBackupDirectory,
                         pnBackupDirectoryBufLength);
    });
}

// An absolute path, or empty for the state root's backups/: a relative one
// would depend on the working directory of whichever process backs up.
PRL_RESULT PrlDispCfg_SetDefaultBackupDirectory(PRL_HANDLE hDispConfig, PRL_CONST_STR sBackupDirectory) {
    return sync([&] {
        const std::string dir = host_path_arg(sBackupDirectory);
        return set_text(hDispConfig, "BackupTargetPreferences/DefaultBackupDirectory",
                        dir.empty() ? "" : absolute_host_path(dir).c_str());
    });
}

// Write-only, as in the product: the password is kept in the document (the
// file is private to the user, mode 0600) and marked as changed.
PRL_RESULT PrlDispCfg_SetBackupUserPassword(PRL_HANDLE hDispConfig, PRL_CONST_STR sUserPassword) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        const std::string text = disp_line_arg(sUserPassword);
        cfg->with_tree([&](service::XmlTree& t) {
            t.set_text_at("BackupSourcePreferences/Password", text);
            t.set_text_at("BackupSourcePreferences/PasswordChanged", "true");
        });
        return PRL_ERR_SUCCESS;
    });
}

// The operations that need the administrator's confirmation
// (PRL_ALLOWED_VM_COMMAND values), as a PHT_OPAQUE_TYPE_LIST of 4-byte items.
PRL_RESULT PrlDispCfg_GetConfirmationsList(PRL_HANDLE hDispConfig, PRL_HANDLE_PTR phConfirmList) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        out_ptr(phConfirmList);
        auto list = std::make_shared<OpTypeList>(sizeof(PRL_ALLOWED_VM_COMMAND));
        cfg->with_tree([&](service::XmlTree& t) {
            const service::XmlTree* l = t.find(kLocked);
            if (!l) return;
            for (const service::XmlTree* item : l->all(kLockedItem)) {
                char* end = nullptr;
                const long v = std::strtol(item->text.c_str(), &end, 10);
                if (item->text.empty() || *end != '\0') continue;
                const auto cmd = static_cast<PRL_UINT32>(v);
                list->add(&cmd);
            }
        });
        give(list, phConfirmList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_SetConfirmationsList(PRL_HANDLE hDispConfig, PRL_HANDLE hConfirmList) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        auto list = handle_cast<OpTypeList>(hConfirmList);
        std::vector<long long> items;
        const std::size_t size = list->type_size();
        for (std::size_t i = 0, n = list->size(); i < n; ++i) {
            unsigned char buf[8] = {};
            list->get(i, buf);
            switch (size) {
                case 1: items.push_back(buf[0]); break;
                case 2: { PRL_UINT16 v; std::memcpy(&v, buf, 2); items.push_back(v); break; }
                case 4: { PRL_UINT32 v; std::memcpy(&v, buf, 4); items.push_back(v); break; }
                case 8: { PRL_UINT64 v; std::memcpy(&v, buf, 8); items.push_back(static_cast<long long>(v)); break; }
                default: fail(PRL_ERR_INVALID_ARG, "unsupported item size");
            }
        }
        cfg->with_tree([&](service::XmlTree& t) {
            service::XmlTree& l = t.ensure(kLocked);
            l.remove_all(kLockedItem);
            for (long long v : items) l.add_child(kLockedItem).text = std::to_string(v);
        });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
