// What the prlctl and prlsrvctl front ends share: errors worded and mapped to
// exit statuses as the product's tools do, the VM lookup, the distribution
// names, and a parsed command line.
#pragma once

#include "session.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace prlctl {

using prlshim::Handle;

// A reported failure: the message goes to stderr, the code decides the exit status.
struct Error {
    PRL_RESULT code;
    std::string message;
};

// A usage error: the message (if any) on stderr, exit status 1, before any
// session is opened.
struct UsageError {
    std::string message;
};

// The exit status for a result (0; 254 frozen; 253 no service; 1..255 else).
int exit_status(PRL_RESULT rc);
// A line on stdout, flushed (so it precedes what follows on stderr).
void say(const std::string& line);
// A failure's message on stderr, after what stdout holds; returns `rc`.
int report(PRL_RESULT rc, const std::string& message);
// Runs `command` on a logged-in session and returns the process's exit
// status: a failure it throws is reported on stderr, as the product's tools do.
int run_command(const std::function<PRL_RESULT(PRL_HANDLE server)>& command);

// The SDK's text for a code: the brief text, then the long one when it differs.
std::string result_text(PRL_RESULT rc);
// Waits for a job. Returns its code; on failure `err` holds the text the
// product's tools print: the job error's brief and long text and its details.
PRL_RESULT wait(PRL_HANDLE job, std::string& err);
// wait(), then the first result parameter; throws Error("<what>: <text>").
Handle wait_param(PRL_HANDLE job, const std::string& what);

// wait(), then every result parameter; throws Error("<what>: <text>").
std::vector<Handle> wait_params(PRL_HANDLE job, const std::string& what);

// The server's host configuration (PrlSrv_GetSrvConfig); throws Error.
Handle server_config(PRL_HANDLE server);

// "{uuid}" for a bare UUID, anything else unchanged.
std::string braced_uuid(const std::string& id);
// A new PrlStrList holding `items`.
Handle string_list(const std::vector<std::string>& items);
// A string getter of the SDK's (buf, len) form; empty on failure.
std::string text_of(PRL_RESULT (*getter)(PRL_HANDLE, PRL_STR, PRL_UINT32_PTR), PRL_HANDLE h);

// A registered VM or container.
struct Vm {
    Handle cfg;
    std::string uuid, name;
    PRL_VM_TYPE type = PVT_VM;
    const char* kind() const { return type == PVT_CT ? "CT" : "VM"; }
    VIRTUAL_MACHINE_STATE state() const;  // from the configuration's VM info
};
Vm vm_from(Handle cfg);
// By UUID or name; throws Error("Failed to get VM config: ..."). With
// `retry_by_name`, a name that looks like no UUID is searched again by name
// alone, as the product's VM actions do.
Vm find_vm(PRL_HANDLE server, const std::string& id, bool retry_by_name = true);
// Every VM and container with its state information.
std::vector<Vm> all_vms(PRL_HANDLE server, PRL_UINT32 flags);

// prlctl's word for a state ("running", "stopped", ...).
std::string state_word(VIRTUAL_MACHINE_STATE s);
// Distribution names: by PVS_GUEST_VER_* ("centos", "win-2012", "" when
// unknown), and the version for a --distribution or --ostype name (0: none).
std::string distribution_name(PRL_UINT32 version);
PRL_UINT32 distribution_version(const std::string& name);
PRL_UINT32 ostype_version(const std::string& family);
// The --ostype names, as `create -o list` prints them after its first line.
std::string ostype_list();
// The distributions the server supports, then those in experimental support
// (`create -d list`).
std::string distribution_list(PRL_HANDLE server);

// A command line: the action, its target and options. Options are given in
// a table: long name, short letter (0: none), takes a value.
struct OptionSpec {
    const char* name;
    char letter;
    bool value;
};
struct CommandLine {
    std::string action, id;
    std::vector<std::string> args;              // further operands (exec's command)
    std::map<std::string, std::string> values;  // by long name, the last given; "" for flags
    std::vector<std::pair<std::string, std::string>> given;  // every option, in order
    bool has(const std::string& o) const { return values.count(o) != 0; }
    std::string get(const std::string& o) const {
        auto it = values.find(o);
        return it == values.end() ? std::string() : it->second;
    }
    // Every value of an option given more than once (--ipadd a --ipadd b).
    std::vector<std::string> all(const std::string& o) const {
        std::vector<std::string> v;
        for (const auto& [name, value] : given)
            if (name == o) v.push_back(value);
        return v;
    }
};
// Parses argv[first..]; the first operand is the target, the rest go to
// args (after it, with `rest_verbatim`, every word does). Throws Error on an
// unknown option or a missing value.
CommandLine parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs, bool rest_verbatim = false);

}  // namespace prlctl
