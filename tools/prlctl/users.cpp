// prlsrvctl user list (-o, -s, -H, -j) and user set --def-vm-home, as the
// product's prlsrvctl prints them (docs/prlctl.md).
#include "commands.h"
#include "report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace prlctl {
namespace {

struct User {
    std::string name, uuid, home;
    PRL_UINT32 sessions = 0;
    bool manages_server = false;
};

struct UserField {
    const char* name;
    const char* header;  // also the JSON key
    const char* format;
    std::string (*value)(const User&);
    bool sortable;
};

const UserField kUserFields[] = {
    {"uuid", "UUID", "%-39s", [](const User& u) { return u.uuid; }, true},
    {"name", "NAME", "%-16s", [](const User& u) { return u.name; }, true},
    {"def_vm_home", "DEF_VM_HOME", "%-32s", [](const User& u) { return u.home; }, false},
    {"sessions", "SESSIONS", "%-10s", [](const User& u) { return std::to_string(u.sessions); }, false},
    {"mng_settings", "MNG_SETTINGS", "%-13s", [](const User& u) { return std::string(u.manages_server ? "allow" : "deny"); },
     false},
};

const UserField* user_field(const std::string& name) {
    for (const auto& f : kUserFields)
        if (name == f.name) return &f;
    return nullptr;
}

std::vector<User> users_of(PRL_HANDLE server) {
    std::vector<User> users;
    for (const Handle& info : wait_params(PrlSrv_GetUserInfoList(server), "PrlSrv_GetUserInfoList")) {
        User u;
        u.name = text_of(PrlUsrInfo_GetName, info);
        u.uuid = text_of(PrlUsrInfo_GetUuid, info);
        u.home = text_of(PrlUsrInfo_GetDefaultVmFolder, info);
        PrlUsrInfo_GetSessionCount(info, &u.sessions);
        PRL_BOOL can = PRL_FALSE;
        if (PRL_SUCCEEDED(PrlUsrInfo_CanChangeSrvSets(info, &can))) u.manages_server = can == PRL_TRUE;
        users.push_back(u);
    }
    return users;
}

int list_users(PRL_HANDLE server, const CommandLine& cl) {
    std::vector<const UserField*> order;
    std::stringstream spec(cl.has("output") ? cl.get("output") : "name,mng_settings,def_vm_home");
    for (std::string name; std::getline(spec, name, ',');) {
        const UserField* f = user_field(name);
        if (!f) {
            std::fprintf(stderr, "Unknown field: %s\n", name.c_str());
            return 1;
        }
        order.push_back(f);
    }
    // By name, or (with -o) by the first column, or by --sort.
    const UserField* sort = cl.has("output") && !order.empty() ? order.front() : user_field("name");
    if (cl.has("sort") && !(sort = user_field(cl.get("sort")))) {
        std::fprintf(stderr, "%s is an invalid field name in this query.\n", cl.get("sort").c_str());
        return 1;
    }
    std::vector<User> users = users_of(server);
    const bool json = cl.has("json");
    auto format = [&](std::size_t i) { return column_format(order[i]->format, i + 1 == order.size()); };
    if (!cl.has("no-header") && !json) {
        Report header(false);
        for (std::size_t i = 0; i < order.size(); ++i) header.cell("", format(i), order[i]->header);
        std::printf("%s\n", header.text().c_str());
    }
    if (sort->sortable)
        std::stable_sort(users.begin(), users.end(),
                         [&](const User& a, const User& b) { return sort->value(a) < sort->value(b); });
    Report r(json);
    r.begin_list();
    for (const User& u : users) {
        r.begin_row();
        for (std::size_t i = 0; i < order.size(); ++i) r.cell(order[i]->header, format(i), order[i]->value(u));
        r.end_row();
    }
    r.end_list();
    std::fputs(r.text().c_str(), stdout);
    return 0;
}

int set_user(PRL_HANDLE server, const CommandLine& cl) {
    if (!cl.has("def-vm-home") || cl.get("def-vm-home").empty()) return 0;
    std::string err;
    PRL_RESULT rc = wait(Handle(PrlSrv_UserProfileBeginEdit(server)), err);
    if (rc) return report(rc, "PrlSrv_UserProfileBeginEdit: " + err);
    Handle profile = wait_param(PrlSrv_GetUserProfile(server), "PrlSrv_GetUserProfile");
    if ((rc = PrlUsrCfg_SetDefaultVmFolder(profile, cl.get("def-vm-home").c_str())))
        return report(rc, "PrlUsrCfg_SetDefaultVmFolder: " + result_text(rc));
    if ((rc = wait(Handle(PrlSrv_UserProfileCommit(server, profile)), err)))
        return report(rc, "PrlSrv_UserProfileCommit: " + err);
    say("A default virtual machine folder for the user was updated successfully.");
    return 0;
}

}  // namespace

int user_action(PRL_HANDLE server, const CommandLine& cl) {
    return cl.action == "user list" ? list_users(server, cl) : set_user(server, cl);
}

}  // namespace prlctl
