// The boot order (PrlVmCfg_CreateBootDev / GetBootDevCount / GetBootDev,
// PrlBootDev_*) and what PrlVmDev_Remove does to it.
#include "devices_fixture.h"

#include <string>

using capi::Handle;
using capi::NewVm;

namespace {

struct Entry {
    PRL_DEVICE_TYPE type;
    PRL_UINT32 index, sequence;
    PRL_BOOL in_use;
};

Entry read_entry(PRL_HANDLE boot) {
    Entry e{};
    REQUIRE_PRL_OK(PrlBootDev_GetType(boot, &e.type));
    REQUIRE_PRL_OK(PrlBootDev_GetIndex(boot, &e.index));
    REQUIRE_PRL_OK(PrlBootDev_GetSequenceIndex(boot, &e.sequence));
    REQUIRE_PRL_OK(PrlBootDev_IsInUse(boot, &e.in_use));
    return e;
}

Handle add_entry(PRL_HANDLE vm, PRL_DEVICE_TYPE type, PRL_UINT32 index, PRL_UINT32 sequence, PRL_BOOL in_use) {
    Handle boot;
    REQUIRE_PRL_OK(PrlVmCfg_CreateBootDev(vm, boot.out()));
    REQUIRE_PRL_OK(PrlBootDev_SetType(boot, type));
    REQUIRE_PRL_OK(PrlBootDev_SetIndex(boot, index));
    REQUIRE_PRL_OK(PrlBootDev_SetSequenceIndex(boot, sequence));
    REQUIRE_PRL_OK(PrlBootDev_SetInUse(boot, in_use));
    return boot;
}

PRL_UINT32 count_of(PRL_HANDLE vm) {
    PRL_UINT32 n = 99;
    REQUIRE_PRL_OK(PrlVmCfg_GetBootDevCount(vm, &n));
    return n;
}

Entry entry_at(PRL_HANDLE vm, PRL_UINT32 i) {
    Handle boot;
    REQUIRE_PRL_OK(PrlVmCfg_GetBootDev(vm, i, boot.out()));
    return read_entry(boot);
}

}  // namespace

TEST_CASE("boot order: entries are created, read and kept sorted by sequence", "[bootdev]") {
    NewVm t;
    REQUIRE(count_of(t.vm) == 0);
    Handle fresh;
    REQUIRE_PRL_OK(PrlVmCfg_CreateBootDev(t.vm, fresh.out()));
    PRL_HANDLE_TYPE ht;
    REQUIRE_PRL_OK(PrlHandle_GetType(fresh, &ht));
    REQUIRE(ht == PHT_BOOT_DEVICE);
    Entry e = read_entry(fresh);
    CHECK(e.type == PDE_HARD_DISK);  // the product's default type
    CHECK(e.index == 0);
    CHECK(e.sequence == 0);
    REQUIRE_PRL_OK(PrlBootDev_Remove(fresh));

    Handle cd = add_entry(t.vm, PDE_OPTICAL_DISK, 0, 2, PRL_TRUE);
    Handle hdd = add_entry(t.vm, PDE_HARD_DISK, 1, 1, PRL_TRUE);
    Handle net = add_entry(t.vm, PDE_GENERIC_NETWORK_ADAPTER, 0, 3, PRL_FALSE);
    REQUIRE(count_of(t.vm) == 3);
    // Setting a sequence number sorts the list by it, as in the SDK.
    CHECK(entry_at(t.vm, 0).type == PDE_HARD_DISK);
    CHECK(entry_at(t.vm, 0).index == 1);
    CHECK(entry_at(t.vm, 1).type == PDE_OPTICAL_DISK);
    CHECK(entry_at(t.vm, 2).type == PDE_GENERIC_NETWORK_ADAPTER);
    CHECK(entry_at(t.vm, 2).in_use == PRL_FALSE);
    // Handles keep naming their entry after the list moved.
    REQUIRE_PRL_OK(PrlBootDev_SetSequenceIndex(cd, 0));
    CHECK(entry_at(t.vm, 0).type == PDE_OPTICAL_DISK);
    CHECK(read_entry(hdd).index == 1);

    REQUIRE_PRL_OK(PrlBootDev_Remove(hdd));
    REQUIRE(count_of(t.vm) == 2);
    PRL_UINT32 v;
    CHECK(PrlBootDev_GetIndex(hdd, &v) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlBootDev_SetInUse(hdd, PRL_TRUE) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlBootDev_Remove(hdd) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(read_entry(net).type == PDE_GENERIC_NETWORK_ADAPTER);
}

TEST_CASE("boot order: argument checks", "[bootdev]") {
    NewVm t;
    Handle boot;
    REQUIRE_PRL_OK(PrlVmCfg_CreateBootDev(t.vm, boot.out()));
    PRL_UINT32 v;
    PRL_BOOL b;
    PRL_DEVICE_TYPE type;
    Handle out;
    CHECK(PrlVmCfg_CreateBootDev(t.vm, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_CreateBootDev(t.server, out.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_CreateBootDev(capi::forged_handle(), out.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetBootDevCount(t.vm, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetBootDevCount(t.server, &v) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetBootDev(t.vm, 1, out.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlVmCfg_GetBootDev(t.vm, 0, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_GetType(boot, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_GetIndex(boot, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_GetSequenceIndex(boot, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_IsInUse(boot, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_SetType(boot, static_cast<PRL_DEVICE_TYPE>(PDE_MAX)) == PRL_ERR_INVALID_ARG);
    CHECK(PrlBootDev_SetType(boot, static_cast<PRL_DEVICE_TYPE>(-1)) == PRL_ERR_INVALID_ARG);
    for (PRL_HANDLE bad : {capi::forged_handle(), t.vm.get()}) {
        CHECK(PrlBootDev_GetType(bad, &type) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_SetType(bad, PDE_HARD_DISK) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_GetIndex(bad, &v) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_SetIndex(bad, 0) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_GetSequenceIndex(bad, &v) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_SetSequenceIndex(bad, 0) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_IsInUse(bad, &b) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_SetInUse(bad, PRL_TRUE) == PRL_ERR_INVALID_ARG);
        CHECK(PrlBootDev_Remove(bad) == PRL_ERR_INVALID_ARG);
    }
}

TEST_CASE("boot order: removing a device removes its entries", "[bootdev]") {
    NewVm t;
    Handle hdd0 = t.create(PDE_HARD_DISK);
    Handle hdd1 = t.create(PDE_HARD_DISK);
    Handle net0 = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    Handle net1 = t.create(PDE_GENERIC_NETWORK_ADAPTER);
    add_entry(t.vm, PDE_HARD_DISK, 0, 0, PRL_TRUE);
    add_entry(t.vm, PDE_HARD_DISK, 1, 1, PRL_TRUE);
    add_entry(t.vm, PDE_GENERIC_NETWORK_ADAPTER, 0, 2, PRL_TRUE);
    REQUIRE_PRL_OK(PrlVmDev_Remove(hdd0));
    REQUIRE(count_of(t.vm) == 2);
    CHECK(entry_at(t.vm, 0).index == 1);
    // A network adapter's entries go only with the last adapter (the SDK's rule).
    REQUIRE_PRL_OK(PrlVmDev_Remove(net1));
    REQUIRE(count_of(t.vm) == 2);
    REQUIRE_PRL_OK(PrlVmDev_Remove(net0));
    REQUIRE(count_of(t.vm) == 1);
    CHECK(entry_at(t.vm, 0).type == PDE_HARD_DISK);
}

TEST_CASE("boot order: stored in config.pvs as the product writes it", "[bootdev]") {
    capi::DevSession s;
    Handle vm = s.new_vm("boot-order");
    add_entry(vm, PDE_OPTICAL_DISK, 0, 0, PRL_TRUE);
    add_entry(vm, PDE_HARD_DISK, 0, 1, PRL_FALSE);
    s.reg(vm);
    const std::string text = capi::DevSession::config_text(vm);
    const auto order = text.find("<BootingOrder>");
    REQUIRE(order != std::string::npos);
    CHECK(text.find("<BootDevice id=\"0\">", order) != std::string::npos);
    CHECK(text.find("<Type>5</Type>", order) != std::string::npos);  // PDE_OPTICAL_DISK
    CHECK(text.find("<BootingNumber>1</BootingNumber>", order) != std::string::npos);
    CHECK(text.find("<InUse>0</InUse>", order) != std::string::npos);
    const auto startup = text.find("<Startup>");
    REQUIRE(startup != std::string::npos);
    CHECK(startup < order);

    Handle again = s.reload(vm);
    REQUIRE(count_of(again) == 2);
    Entry first = entry_at(again, 0), second = entry_at(again, 1);
    CHECK(first.type == PDE_OPTICAL_DISK);
    CHECK(first.in_use == PRL_TRUE);
    CHECK(second.type == PDE_HARD_DISK);
    CHECK(second.sequence == 1);
    CHECK(second.in_use == PRL_FALSE);

    // prlctl --device-bootorder: read the list, empty it, write the new one.
    for (PRL_UINT32 i = 0, n = count_of(again); i < n; ++i) {
        Handle b;
        REQUIRE_PRL_OK(PrlVmCfg_GetBootDev(again, 0, b.out()));
        REQUIRE_PRL_OK(PrlBootDev_Remove(b));
    }
    add_entry(again, PDE_HARD_DISK, 0, 0, PRL_TRUE);
    s.commit(again);
    Handle third = s.reload(vm);
    REQUIRE(count_of(third) == 1);
    CHECK(entry_at(third, 0).type == PDE_HARD_DISK);
}
