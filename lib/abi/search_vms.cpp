// PrlSrv_StartSearchVms and PrlFoundVmInfo_*: VM bundles under the given
// directories that are not registered.
//
// As the product's search task: the directories are walked breadth first
// without following symbolic links; in each, every readable and writable
// *.pvs file that parses as a VM configuration and is not the configuration
// of a registered VM is found once (by its canonical path). Each find is
// delivered at once as an event PET_DSP_EVT_FOUND_LOST_VM_CONFIG (issuer: the
// dispatcher, the server's UUID) whose parameter vm_search_info holds the
// found VM's description (an event with vm_name, vm_old_config,
// vm_os_number, vm_is_template, vm_config_path) and gives a
// PHT_FOUND_VM_INFO through PrlEvtPrm_ToHandle; when the search ends the
// job's result lists them all. No list (or an empty one) searches the user's
// default VM folder; the product then also walks every drive, which prlshim
// does not (docs/compatibility.md). Cancelling the job stops the walk.
#include "boundary.h"
#include "copy_out.h"
#include "host_path.h"

#include "core/event.h"
#include "core/event_xml.h"
#include "core/lists.h"
#include "core/result.h"
#include "core/server.h"
#include "service/store/vm_config.h"

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

using namespace prl;
using namespace prl::abi;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxDirectories = 200000;  // a bound on one walk

class FoundVmInfo : public Object {
public:
    FoundVmInfo() : Object(PHT_FOUND_VM_INFO) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_FOUND_VM_INFO; }
    std::string name;
    bool old_config = false;  // a configuration of an old format, converted (never here)
    unsigned os_version = 0;
    bool is_template = false;
    std::string config_path;
};

// The found VM's description, as the task writes it (an event's XML).
std::string description_xml(const FoundVmInfo& f, const std::string& request_id) {
    EventData d;
    d.type = PET_VM_INF_UNINITIALIZED_EVENT_CODE;
    d.request_id = request_id;
    d.params.push_back(EventParam::string("vm_name", f.name));
    d.params.push_back(EventParam::boolean("vm_old_config", f.old_config));
    d.params.push_back(EventParam::uint32("vm_os_number", f.os_version));
    d.params.push_back(EventParam::boolean("vm_is_template", f.is_template));
    d.params.push_back(EventParam::string("vm_config_path", f.config_path));
    return xml::to_xml(Event(std::move(d)));
}

bool is_true(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "true"); }

class Search {
public:
    Search(Server& server, Job& job, std::vector<std::string> roots) : server_(server), job_(job) {
        for (auto& r : roots) pending_.push_back(std::move(r));
        auto svc = server.service();
        for (const auto& e : svc->list(std::nullopt)) registered_.insert(canonical(e.config_file().string()));
        server_uuid_ = svc->host_facts().server_uuid;
    }

    std::vector<std::shared_ptr<FoundVmInfo>> run() {
        std::size_t visited = 0;
        while (!pending_.empty() && !job_.cancel_requested() && visited++ < kMaxDirectories) {
            const std::string dir = pending_.front();
            pending_.pop_front();
            visit(dir);
        }
        return std::move(found_);
    }

private:
    static std::string canonical(const std::string& p) {
        std::error_code ec;
        const fs::path c = fs::canonical(p, ec);
        return ec ? fs::path(p).lexically_normal().string() : c.string();
    }

    void visit(const std::string& dir) {
        std::error_code ec;
        if (!fs::is_directory(fs::symlink_status(dir, ec))) return;
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec)) {
            const fs::file_status st = it->symlink_status(ec);
            if (ec) break;
            if (fs::is_directory(st))
                pending_.push_back(it->path().string());
            else if (fs::is_regular_file(st) && it->path().extension() == ".pvs")
                files.push_back(it->path());
        }
        for (const auto& file : files) consider(file);
    }

    void consider(const fs::path& file) {
        if (::access(file.c_str(), R_OK | W_OK) != 0) return;
        const std::string real = canonical(file.string());
        if (registered_.count(real) || !seen_.insert(real).second) return;
        service::VmConfig cfg;
        try {
            cfg = service::load_config_pvs(file);
        } catch (...) {
            return;  // not a VM configuration: the product skips it too
        }
        auto info = std::make_shared<FoundVmInfo>();
        info->name = cfg.name;
        info->os_version = cfg.os_version;
        info->is_template = is_true(cfg.extra.text_at("Settings/General/IsTemplate"));
        info->config_path = fs::absolute(file).lexically_normal().string();
        const std::string request = std::to_string(job_.package_id());

        EventParam::Fields f;
        f.name = "vm_search_info";
        f.wire_type = wire::String;
        f.text = description_xml(*info, request);
        f.entity = info;
        EventData d;
        d.type = PET_DSP_EVT_FOUND_LOST_VM_CONFIG;
        d.issuer_type = PIE_DISPATCHER;
        d.issuer_id = server_uuid_;
        d.request_id = request;
        d.params.push_back(std::make_shared<EventParam>(std::move(f)));
        d.job = job_.shared_from_this();
        server_.emit(std::move(d));
        found_.push_back(std::move(info));
    }

    Server& server_;
    Job& job_;
    std::deque<std::string> pending_;
    std::set<std::string> registered_, seen_;
    std::string server_uuid_;
    std::vector<std::shared_ptr<FoundVmInfo>> found_;
};

template <class F>
PRL_RESULT with_info(PRL_HANDLE h, F&& f) {
    return sync([&] {
        auto info = handle_cast<FoundVmInfo>(h);
        return f(*info);
    });
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_StartSearchVms(PRL_HANDLE hServer, PRL_HANDLE hStringsList) {
    return async(PJOC_SRV_START_SEARCH_VMS, [&] {
        auto server = handle_cast<Server>(hServer).share();
        std::vector<std::string> roots;
        if (hStringsList != PRL_INVALID_HANDLE) {
            for (const auto& item : handle_cast<StringsList>(hStringsList)->items()) {
                const std::string p = host_path_arg(item.c_str());
                require(!p.empty(), PRL_ERR_INVALID_ARG, "an empty search path");
                roots.push_back(absolute_host_path(p));
            }
        }
        return give_job(server->start_job(PJOC_SRV_START_SEARCH_VMS, [server, roots](Job& job) mutable -> ResultPtr {
            auto svc = server->service();  // needs a login
            if (roots.empty()) {
                std::string folder = svc->current_user().tree.text_at("UserWorkspace/UserDefaultVmFolder").value_or("");
                if (folder.empty())
                    folder = svc->common_prefs().tree.text_at("WorkspacePreferences/DefaultVmDirectory").value_or("");
                if (!folder.empty()) roots.push_back(folder);
            }
            Search search(*server, job, std::move(roots));
            std::vector<Result::Param> params;
            for (auto& f : search.run()) params.emplace_back(std::move(f));
            if (job.cancel_requested()) fail(PRL_ERR_SEARCH_CONFIG_OPERATION_CANCELED, "the search was cancelled");
            return std::make_shared<Result>(std::move(params));
        }));
    });
}

PRL_RESULT PrlFoundVmInfo_GetName(PRL_HANDLE handle, PRL_STR sName, PRL_UINT32_PTR pnNameBufLength) {
    return with_info(handle, [&](FoundVmInfo& f) {
        out_ptr(pnNameBufLength);
        return copy_out(f.name, sName, pnNameBufLength);
    });
}

PRL_RESULT PrlFoundVmInfo_IsOldConfig(PRL_HANDLE handle, PRL_BOOL_PTR pbOldVersion) {
    return with_info(handle, [&](FoundVmInfo& f) {
        *out_ptr(pbOldVersion) = f.old_config ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFoundVmInfo_GetOSVersion(PRL_HANDLE handle, PRL_UINT32_PTR pnOSVersion) {
    return with_info(handle, [&](FoundVmInfo& f) {
        *out_ptr(pnOSVersion) = f.os_version;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlFoundVmInfo_GetConfigPath(PRL_HANDLE handle, PRL_STR sPath, PRL_UINT32_PTR pnPathBufLength) {
    return with_info(handle, [&](FoundVmInfo& f) {
        out_ptr(pnPathBufLength);
        return copy_out(f.config_path, sPath, pnPathBufLength);
    });
}

PRL_RESULT PrlFoundVmInfo_IsTemplate(PRL_HANDLE handle, PRL_BOOL_PTR pbIsTemplate) {
    return with_info(handle, [&](FoundVmInfo& f) {
        *out_ptr(pbIsTemplate) = f.is_template ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
