// The fixture of the generated property tests (lib/abi/gen/props.py): a
// private state root, a logged-in session, and a new object of each owner
// kind; persist_and_reload registers the VM (writing config.pvs) and reads it
// back from disk through a second session. The `disp` owner is the server's
// common preferences (PrlSrv_GetCommonPrefs); they are persisted with
// CommonPrefsBeginEdit + CommonPrefsCommit and read back the same way. The
// `dispnet` owner is a network entry made in those preferences
// (PrlDispCfg_CreateDispNet); it is persisted with them and found again by
// its UUID in the second session's copy.
#pragma once

#include "capi.h"
#include "test_home.h"

#include <cstring>
#include <map>
#include <string>

namespace capi {

class PropsFixture {
public:
    PropsFixture() {
        REQUIRE_PRL_OK(PrlSrv_Create(server_.out()));
        wait_ok(PrlSrv_LoginLocal(server_, nullptr, 0, PSL_HIGH_SECURITY));
    }

    // A new object of the owner kind named as in properties.tsv.
    Handle make(const std::string& owner) {
        if (owner == "vnet") return make_vnet();
        if (owner == "dispnet") {
            dispnet_ = true;
            prefs_ = common_prefs(server_);
            Handle net;
            REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs_, net.out()));
            return net;
        }
        if (owner == "disp") {
            disp_ = true;
            return common_prefs(server_);
        }
        REQUIRE_PRL_OK(PrlSrv_CreateVm(server_, vm_.out()));
        REQUIRE_PRL_OK(PrlVmCfg_SetName(vm_, "props-test"));
        if (owner == "vm") {
            Handle same;
            REQUIRE_PRL_OK(PrlHandle_AddRef(vm_));
            *same.out() = vm_.get();
            return same;
        }
        type_ = device_type(owner);
        Handle dev;
        REQUIRE_PRL_OK(PrlVmCfg_CreateVmDev(vm_, type_, dev.out()));
        return dev;
    }

    // A live handle of a type no property accepts.
    PRL_HANDLE wrong_type() const { return server_.get(); }

    // Registers the VM (its config.pvs is written), then returns the same
    // object as a second session reads it from disk.
    Handle persist_and_reload(PRL_HANDLE object) {
        if (vnet_) return persist_vnet(object);
        if (dispnet_) return persist_dispnet(object);
        if (disp_) {
            wait_ok(PrlSrv_CommonPrefsBeginEdit(server_));
            wait_ok(PrlSrv_CommonPrefsCommit(server_, object));
            Handle other;
            REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
            wait_ok(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY));
            Handle prefs = common_prefs(other);
            sessions_.push_back(std::move(other));
            return prefs;
        }
        wait_ok(PrlVm_Reg(vm_, "", PRL_TRUE));
        const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVmCfg_GetUuid(vm_, b, l); });
        Handle other;
        REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
        wait_ok(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY));
        Handle vm;
        Handle job(PrlSrv_GetVmConfig(other, uuid.c_str(), PGVC_SEARCH_BY_UUID));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle result;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        REQUIRE_PRL_OK(PrlResult_GetParam(result, vm.out()));
        sessions_.push_back(std::move(other));
        if (type_ == PDE_GENERIC_DEVICE) return vm;
        Handle dev;
        REQUIRE_PRL_OK(PrlVmCfg_GetDevByType(vm, type_, 0, dev.out()));
        keep_.push_back(std::move(vm));
        return dev;
    }

    ~PropsFixture() {
        for (auto& s : sessions_) finish(PrlSrv_Logoff(s));
        finish(PrlSrv_Logoff(server_));
    }

private:
    // A new virtual network (PHT_VIRTUAL_NETWORK), not yet added.
    Handle make_vnet() {
        vnet_ = true;
        Handle net;
        REQUIRE_PRL_OK(PrlVirtNet_Create(net.out()));
        return net;
    }

    // Adds the network (named if it has no name yet, with a DHCP range the
    // product accepts if its DHCP server is on), then finds it by name in a
    // second session's list.
    Handle persist_vnet(PRL_HANDLE net) {
        std::string name = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVirtNet_GetNetworkId(net, b, l); });
        if (name.empty()) {
            name = "props-vnet";
            REQUIRE_PRL_OK(PrlVirtNet_SetNetworkId(net, name.c_str()));
        }
        PRL_BOOL dhcp = PRL_FALSE;
        REQUIRE_PRL_OK(PrlVirtNet_IsDHCPServerEnabled(net, &dhcp));
        if (dhcp) {
            REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeStart(net, "10.37.130.1"));
            REQUIRE_PRL_OK(PrlVirtNet_SetIPScopeEnd(net, "10.37.130.254"));
        }
        wait_ok(PrlSrv_AddVirtualNetwork(server_, net, 0));
        Handle other;
        REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
        wait_ok(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY));
        Handle job(PrlSrv_GetVirtualNetworkList(other, 0));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle result;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        sessions_.push_back(std::move(other));
        PRL_UINT32 count = 0;
        REQUIRE_PRL_OK(PrlResult_GetParamsCount(result, &count));
        for (PRL_UINT32 i = 0; i < count; ++i) {
            Handle found;
            REQUIRE_PRL_OK(PrlResult_GetParamByIndex(result, i, found.out()));
            if (get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlVirtNet_GetNetworkId(found, b, l); }) == name)
                return found;
        }
        FAIL("the added network is not listed");
        return Handle();
    }

    // Commits the preferences the entry belongs to, then finds the entry by
    // its UUID in a second session's copy.
    Handle persist_dispnet(PRL_HANDLE net) {
        const std::string uuid = get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetUuid(net, b, l); });
        wait_ok(PrlSrv_CommonPrefsBeginEdit(server_));
        wait_ok(PrlSrv_CommonPrefsCommit(server_, prefs_));
        Handle other;
        REQUIRE_PRL_OK(PrlSrv_Create(other.out()));
        wait_ok(PrlSrv_LoginLocal(other, nullptr, 0, PSL_HIGH_SECURITY));
        Handle prefs = common_prefs(other);
        sessions_.push_back(std::move(other));
        PRL_UINT32 count = 0;
        REQUIRE_PRL_OK(PrlDispCfg_GetDispNetCount(prefs, &count));
        for (PRL_UINT32 i = 0; i < count; ++i) {
            Handle found;
            REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, i, found.out()));
            if (get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetUuid(found, b, l); }) == uuid) {
                keep_.push_back(std::move(prefs));
                return found;
            }
        }
        FAIL("the committed network entry is not listed");
        return Handle();
    }

    static Handle common_prefs(PRL_HANDLE server) {
        Handle job(PrlSrv_GetCommonPrefs(server));
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
        Handle result, prefs;
        REQUIRE_PRL_OK(PrlJob_GetResult(job, result.out()));
        REQUIRE_PRL_OK(PrlResult_GetParam(result, prefs.out()));
        return prefs;
    }
    static void wait_ok(PRL_HANDLE job_handle) {
        Handle job(job_handle);
        REQUIRE_PRL_OK(PrlJob_Wait(job, 60000));
        PRL_RESULT rc = PRL_ERR_FAILURE;
        REQUIRE_PRL_OK(PrlJob_GetRetCode(job, &rc));
        REQUIRE_PRL_OK(rc);
    }
    static void finish(PRL_HANDLE job_handle) {
        Handle job(job_handle);
        PrlJob_Wait(job, 60000);
    }
    static PRL_DEVICE_TYPE device_type(const std::string& owner) {
        static const std::map<std::string, PRL_DEVICE_TYPE> types = {
            {"device", PDE_HARD_DISK},      {"hdd", PDE_HARD_DISK},     {"net", PDE_GENERIC_NETWORK_ADAPTER},
            {"optical", PDE_OPTICAL_DISK},  {"serial", PDE_SERIAL_PORT}, {"sound", PDE_SOUND_DEVICE},
            {"usb", PDE_USB_DEVICE},        {"parallel", PDE_PARALLEL_PORT}, {"floppy", PDE_FLOPPY_DISK}};
        auto it = types.find(owner);
        REQUIRE(it != types.end());
        return it->second;
    }

    prl::test::TestHome home_;
    Api api_;
    Handle server_, vm_, prefs_;
    PRL_DEVICE_TYPE type_ = PDE_GENERIC_DEVICE;
    bool vnet_ = false;
    bool disp_ = false;
    bool dispnet_ = false;
    std::vector<Handle> sessions_, keep_;
};

}  // namespace capi
