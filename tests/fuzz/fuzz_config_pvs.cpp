// The config.pvs reader (prl::service::from_config_pvs), which keeps the whole
// document (modelled fields and every other element, VmConfig::extra).
// Invariants: the only refusal is Error(Errc::corrupt); whatever it accepts
// writes back (to_config_pvs) as a file that reads back, and writing that
// again gives the same text (the writer groups devices by kind in the
// product's order, docs/config-pvs.md, so the model itself may be reordered
// by one round trip; after that it is a fixed point).
#include "store/error.h"
#include "store/vm_config.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace prl::service;

namespace {
// The modelled fields of the disks. Each disk's `extra` is the element as
// read: after one write it also holds the modelled children the writer put
// there, so it is checked by the fixed-point comparison of the text instead.
std::vector<HardDisk> modelled(std::vector<HardDisk> disks) {
    for (HardDisk& d : disks) d.extra = XmlTree();
    return disks;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    VmConfig cfg;
    try {
        cfg = from_config_pvs(text);
    } catch (const Error& e) {
        if (e.code() != Errc::corrupt) {
            std::fprintf(stderr, "unexpected error code %s: %s\n", errc_name(e.code()), e.what());
            std::abort();
        }
        return 0;
    }
    const std::string written = to_config_pvs(cfg);
    VmConfig again;
    try {
        again = from_config_pvs(written);
    } catch (const Error& e) {
        std::fprintf(stderr, "own config.pvs does not read back: %s\n%s\n", e.what(), written.c_str());
        std::abort();
    }
    if (to_config_pvs(again) != written) {
        std::fprintf(stderr, "config.pvs is not a fixed point of read + write:\n%s\n", written.c_str());
        std::abort();
    }
    if (modelled(again.hard_disks) != modelled(cfg.hard_disks) || again.uuid != cfg.uuid || again.name != cfg.name ||
        again.description != cfg.description || again.devices.size() != cfg.devices.size()) {
        std::fprintf(stderr, "config.pvs round trip lost identity, disks or devices:\n%s\n", written.c_str());
        std::abort();
    }
    return 0;
}
