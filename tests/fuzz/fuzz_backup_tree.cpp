// The backup tree builder (prl::backup::backup_tree_xml) fed random catalogs:
// VmEntry vectors built from the input the way Repository::list() can
// return them (ids derived from chain uuid and number, numbers increasing,
// texts valid XML-safe UTF-8, any value parse_element accepts: Time in
// 0..INT64_MAX, sizes and flags of any value) and a random filter.
// Invariants: a malformed filter id (and only that) is Error(invalid_argument);
// otherwise the document is well formed and validates against
// docs/backup-tree.xsd.
#include "backup_tree.h"
#include "error.h"
#include "ids.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace prl::backup;

namespace {

xmlSchemaPtr g_schema = nullptr;

// Time values the fuzzer may use: any (the builder keeps dates within what
// xs:dateTime can write; this once was a bug the fuzzer found).
int64_t g_max_time = INT64_MAX;

const char* const kPieces[] = {"a", "Z", "0", " ", "-", "_", ".", "/", "..", "<", ">", "&", "\"", "'", "\t", "\n",
                               "\r", "]]>", "&amp;", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "{", "}",
                               "<!--", "<![CDATA[", "%", "\\", "\xef\xbf\xbd", "x"};

std::string text(FuzzedDataProvider& p, size_t max_pieces = 12) {
    std::string s;
    const size_t n = p.ConsumeIntegralInRange<size_t>(0, max_pieces);
    for (size_t i = 0; i < n; ++i) s += kPieces[p.ConsumeIntegralInRange<size_t>(0, sizeof kPieces / sizeof *kPieces - 1)];
    return s;
}

std::string uuid(FuzzedDataProvider& p) {
    static const char hex[] = "0123456789abcdef";
    std::string s = "{";
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
        s += hex[p.ConsumeIntegral<uint8_t>() & 15];
    }
    return s + "}";
}

ElementInfo element(FuzzedDataProvider& p, const std::string& chain, uint32_t number, bool full) {
    ElementInfo e;
    e.number = number;
    e.id = BackupId{chain, number}.str();
    e.kind = full ? Kind::full : (p.ConsumeBool() ? Kind::incremental : Kind::differential);
    e.parent_number = full ? 0 : p.ConsumeIntegralInRange<uint32_t>(1, number - 1);
    e.time = p.ConsumeIntegralInRange<int64_t>(0, g_max_time);
    e.creator = text(p);
    e.host = text(p);
    e.server_uuid = p.ConsumeBool() ? uuid(p) : text(p);
    e.description = text(p, 40);
    e.stored_size = p.ConsumeIntegral<uint64_t>();
    e.original_size = p.ConsumeIntegral<uint64_t>();
    e.flags = p.ConsumeIntegral<uint32_t>();
    const size_t disks = p.ConsumeIntegralInRange<size_t>(0, 3);
    for (size_t i = 0; i < disks; ++i) e.disks.push_back(DiskInfo{text(p), text(p, 20), p.ConsumeIntegral<uint64_t>()});
    return e;
}

std::vector<VmEntry> catalog(FuzzedDataProvider& p, std::vector<std::string>& ids) {
    std::vector<VmEntry> vms;
    const size_t nvm = p.ConsumeIntegralInRange<size_t>(0, 4);
    for (size_t v = 0; v < nvm; ++v) {
        VmEntry vm;
        vm.uuid = uuid(p);
        vm.name = text(p);
        vm.type = p.ConsumeBool() ? VmType::ct : VmType::vm;
        const size_t nchains = p.ConsumeIntegralInRange<size_t>(0, 3);
        for (size_t c = 0; c < nchains; ++c) {
            ChainInfo chain;
            chain.uuid = uuid(p);
            // After a keep-chain removal of the full, the base may be element 2 (or later).
            uint32_t number = p.ConsumeIntegralInRange<uint32_t>(0, 7) == 0
                                  ? p.ConsumeIntegralInRange<uint32_t>(2, 999999990) : 1;
            chain.full = element(p, chain.uuid, number, true);
            ids.push_back(chain.full.id);
            const size_t nparts = p.ConsumeIntegralInRange<size_t>(0, 5);
            for (size_t i = 0; i < nparts && number < 999999999; ++i) {
                number += p.ConsumeIntegralInRange<uint32_t>(1, 3);
                if (number > 999999999) break;
                chain.partials.push_back(element(p, chain.uuid, number, false));
                ids.push_back(chain.partials.back().id);
            }
            chain.last_number = number + p.ConsumeIntegralInRange<uint32_t>(0, 2);
            vm.chains.push_back(std::move(chain));
        }
        vms.push_back(std::move(vm));
    }
    return vms;
}

[[noreturn]] void fail(const char* what, const std::string& xml) {
    std::fprintf(stderr, "backup tree invariant broken: %s\n%s\n", what, xml.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::ifstream in(PRLSHIM_OWN_TREE_XSD, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string xsd = buf.str();
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()));
    g_schema = pc ? xmlSchemaParse(pc) : nullptr;
    if (pc) xmlSchemaFreeParserCtxt(pc);
    if (!g_schema) {
        std::fprintf(stderr, "cannot load %s\n", PRLSHIM_OWN_TREE_XSD);
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider p(data, size);
    std::vector<std::string> ids;
    const std::vector<VmEntry> vms = catalog(p, ids);
    TreeFilter filter;
    filter.kind = static_cast<TreeFilter::Kind>(p.ConsumeIntegralInRange<int>(0, 2));
    switch (p.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: break;
    case 1: if (!ids.empty()) filter.backup_id = ids[p.ConsumeIntegralInRange<size_t>(0, ids.size() - 1)]; break;
    case 2: filter.backup_id = uuid(p) + (p.ConsumeBool() ? "." + std::to_string(p.ConsumeIntegral<uint32_t>()) : ""); break;
    default: filter.backup_id = text(p); break;
    }
    filter.chain = !filter.backup_id.empty() && p.ConsumeBool();
    const bool well_formed_id = filter.backup_id.empty() || parse_backup_id(filter.backup_id).has_value();

    std::string xml;
    try {
        xml = backup_tree_xml(vms, filter);
    } catch (const Error& e) {
        if (e.code() != Errc::invalid_argument || well_formed_id) fail(e.what(), filter.backup_id);
        return 0;
    }
    if (!well_formed_id) fail("a malformed id was accepted", filter.backup_id);
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "tree.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) fail("not well formed", xml);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(g_schema);
    xmlSchemaSetValidErrors(vc, nullptr, nullptr, nullptr);
    const int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (rc != 0) fail("does not validate against docs/backup-tree.xsd", xml);
    return 0;
}
