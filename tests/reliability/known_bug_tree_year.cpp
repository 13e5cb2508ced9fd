// KNOWN BUG (found by fuzz_backup_tree; reported in docs/reliability.md):
// prl::backup::parse_element accepts any Time in 0..INT64_MAX, but
// backup_tree_xml writes years after 9999 with five or more digits
// ("10000-01-01T00:00:00Z"), which is not the schema's UtcDateTime, so a
// repository holding such metadata (e.g. a crafted backup_directory) yields a
// backup tree that does not validate against docs/backup-tree.xsd.
// This program exits 0 when the tree validates; ctest marks it WILL_FAIL
// until lib/backup is fixed (then drop WILL_FAIL and the fuzzer's time cap).
#include "backup_tree.h"
#include "xsd_check.h"

#include <cstdio>

int main() {
    using namespace prl::backup;
    VmEntry vm;
    vm.uuid = "{c1a5b000-2222-3333-4444-555555555555}";
    vm.name = "year-10000";
    ChainInfo c;
    c.uuid = "{0f0f0f0f-1111-2222-3333-444444444444}";
    c.full.id = c.uuid;
    c.full.time = 253402300800;  // 10000-01-01T00:00:00Z
    vm.chains.push_back(c);
    const std::string xml = backup_tree_xml({vm}, TreeFilter{});
    const auto r = prl::test::validate_xml(xml, PRLSHIM_OWN_TREE_XSD, false);
    std::printf("%s\n%s\n", xml.c_str(), r == prl::test::SchemaResult::valid ? "valid" : "INVALID against backup-tree.xsd");
    return r == prl::test::SchemaResult::valid ? 0 : 1;
}
