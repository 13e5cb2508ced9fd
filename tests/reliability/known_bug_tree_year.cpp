// Regression test (found by fuzz_backup_tree): a time past year 9999 once
// produced a five-digit year, which is no xs:dateTime, so the tree failed to
// validate against docs/backup-tree.xsd. Exits 0 when the tree validates.
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
