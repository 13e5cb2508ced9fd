// The config.pvs reader (prl::service::from_config_pvs).
// Invariants: the only refusal is Error(Errc::corrupt); whatever it accepts
// writes back (to_config_pvs) as a file that reads back equal.
#include "store/error.h"
#include "store/vm_config.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace prl::service;

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
    if (again != cfg) {
        std::fprintf(stderr, "config.pvs round trip changed the model:\n%s\n", written.c_str());
        std::abort();
    }
    return 0;
}
