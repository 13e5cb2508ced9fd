// The backup element metadata reader (prl::backup::parse_element).
// Invariants: the only refusal is Error(corrupted); an accepted element has
// only safe data file names and serialises to XML that parses back to the
// same serialisation.
#include "element_meta.h"
#include "error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace prl::backup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    ElementMeta meta;
    try {
        meta = parse_element(text, "fuzz.xml");
    } catch (const Error& e) {
        if (e.code() != Errc::corrupted) {
            std::fprintf(stderr, "unexpected error code %d: %s\n", static_cast<int>(e.code()), e.what());
            std::abort();
        }
        return 0;
    }
    for (const DiskRecord& d : meta.disks)
        if (!is_safe_data_file_name(d.map_file)) std::abort();
    if (!meta.tree_file.empty() && !is_safe_data_file_name(meta.tree_file)) std::abort();
    (void)meta.info();
    const std::string written = serialize_element(meta);
    try {
        const ElementMeta again = parse_element(written, "again.xml");
        if (serialize_element(again) != written) {
            std::fprintf(stderr, "metadata round trip is not a fixed point:\n%s\n", written.c_str());
            std::abort();
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "own metadata does not parse back: %s\n%s\n", e.what(), written.c_str());
        std::abort();
    }
    return 0;
}
