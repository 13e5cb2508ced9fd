// prlctl's per-VM actions: start, stop, pause, resume, suspend, restart,
// reset, status, unregister, delete, and the guest commands exec, enter and
// capture (which need the guest tools).
#include "commands.h"

#include "platform/base64.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

namespace prlctl {
namespace {

// Runs one job: "<Doing> the VM...", then success or "Failed to <verb> the VM: <err>".
int job_action(PRL_HANDLE job, const Vm& vm, const char* doing, const char* verb, const char* done) {
    const std::string kind = vm.kind();
    if (doing) say(std::string(doing) + " the " + kind + "...");
    Handle j(job);
    std::string err;
    const PRL_RESULT rc = wait(j, err);
    if (rc) return report(rc, std::string("Failed to ") + verb + " the " + kind + ": " + err);
    say("The " + kind + " has been " + done);
    return 0;
}

int capture(const Vm& vm, const CommandLine& cl) {
    Handle job(PrlVm_CaptureScreen(vm.cfg, 0, 0, 0));
    std::string err;
    PRL_RESULT rc = wait(job, err);
    if (rc) return report(rc, err);
    Handle result;
    PRL_UINT32 count = 0;
    if (PRL_FAILED(rc = PrlJob_GetResult(job, result.out())) || PRL_FAILED(rc = PrlResult_GetParamsCount(result, &count)))
        return report(rc, "PrlJob_GetResult returned the following error: " + result_text(rc));
    if (count == 0) return report(-1, "Failed to capture a screenshot: " + result_text(PRL_ERR_NO_DATA));
    PRL_UINT32 len = 0;
    PrlResult_GetParamAsString(result, nullptr, &len);
    std::string data(len, '\0');
    PrlResult_GetParamAsString(result, data.data(), &len);
    data.resize(std::strlen(data.c_str()));
    std::string image;
    if (!prl::platform::base64_decode(data, image))
        return report(-1, "Failed to capture a screenshot: " + result_text(PRL_ERR_NO_DATA));
    if (cl.has("file")) {
        std::ofstream f(cl.get("file"), std::ios::binary);
        if (!f || !f.write(image.data(), static_cast<std::streamsize>(image.size())))
            return report(-1, "Failed to write data to the file " + cl.get("file") + "!");
    } else {
        std::cout.write(image.data(), static_cast<std::streamsize>(image.size()));
        std::cout.flush();
    }
    say("The screenshot has been saved.");
    return 0;
}

// exec and enter: they log in to the guest through its tools.
int guest_session(const Vm& vm, const CommandLine& cl) {
    if (cl.action == "exec" && cl.args.empty()) return report(-1, "Incorrect exec command");
    Handle login(PrlVm_LoginInGuest(vm.cfg, PRL_PRIVILEGED_GUEST_OS_SESSION, 0, 0));
    std::string err;
    const PRL_RESULT rc = wait(login, err);
    if (rc) return report(rc, err);
    Handle result, guest;
    if (PRL_SUCCEEDED(PrlJob_GetResult(login, result.out())) && PRL_SUCCEEDED(PrlResult_GetParam(result, guest.out()))) {
        Handle logout(PrlVmGuest_Logout(guest, 0));
        std::string ignored;
        wait(logout, ignored);
    }
    return report(PRL_ERR_UNIMPLEMENTED, cl.action + ": guest sessions are not supported by prlshim's prlctl");
}

}  // namespace

int vm_action(PRL_HANDLE server, const CommandLine& cl) {
    const std::string& a = cl.action;
    Vm vm = find_vm(server, cl.id);
    if (a == "status") {
        say(std::string(vm.kind()) + " " + braced_uuid(cl.id) + " exist " + state_word(vm.state()));
        return 0;
    }
    if (a == "start") return job_action(PrlVm_StartEx(vm.cfg, PSM_VM_START, 0), vm, "Starting", "start", "successfully started.");
    if (a == "stop") {
        const bool kill = cl.has("kill");
        const PRL_UINT32 mode = kill ? PSM_KILL : cl.has("acpi") ? PSM_ACPI : PSM_SHUTDOWN;
        const PRL_UINT32 flags = cl.has("noforce") ? PSF_NOFORCE : cl.has("force") ? PSF_FORCE : 0;
        say(std::string("Stopping the ") + vm.kind() + "...");
        Handle j(PrlVm_StopEx(vm.cfg, mode, flags));
        std::string err;
        const PRL_RESULT rc = wait(j, err);
        if (rc) {
            report(rc, std::string("Failed to stop the ") + vm.kind() + ": " + err);
            return rc == PRL_ERR_DISP_VM_IS_NOT_STARTED ? 0 : rc;  // stopping a stopped VM is no failure
        }
        say(kill ? std::string("The ") + vm.kind() + " has been forcibly stopped"
                 : std::string("The ") + vm.kind() + " has been successfully stopped.");
        return 0;
    }
    if (a == "pause") return job_action(PrlVm_Pause(vm.cfg, PRL_FALSE), vm, "Pause", "pause", "successfully paused.");
    if (a == "resume") return job_action(PrlVm_Resume(vm.cfg), vm, "Resuming", "resume", "successfully resumed.");
    if (a == "suspend") return job_action(PrlVm_Suspend(vm.cfg), vm, "Suspending", "suspend", "successfully suspended.");
    if (a == "restart") return job_action(PrlVm_Restart(vm.cfg), vm, "Restarting", "restart", "successfully restarted.");
    if (a == "reset") return job_action(PrlVm_Reset(vm.cfg), vm, "Resetting", "reset", "successfully reset.");
    if (a == "unregister") return job_action(PrlVm_Unreg(vm.cfg), vm, nullptr, "unregister", "successfully unregistered.");
    if (a == "delete") return job_action(PrlVm_Delete(vm.cfg, PRL_INVALID_HANDLE), vm, "Removing", "remove", "successfully removed.");
    if (a == "capture") return capture(vm, cl);
    return guest_session(vm, cl);  // exec, enter
}

}  // namespace prlctl
