#include "backup_tree.h"

#include "session.h"

#include <prlsdk/PrlApi.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

namespace prlshim {
namespace {

struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

bool is(const xmlNode* n, const char* name) {
    return n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

struct XmlCharFree {
    void operator()(xmlChar* p) const { xmlFree(p); }
};

std::string text_of(const xmlNode* n) {
    std::unique_ptr<xmlChar, XmlCharFree> t(xmlNodeGetContent(n));
    return t ? std::string(reinterpret_cast<const char*>(t.get())) : std::string();
}

std::uint64_t number_of(const xmlNode* n) {
    const std::string t = text_of(n);
    try {
        return t.empty() ? 0 : std::stoull(t);
    } catch (const std::exception&) {
        return 0;
    }
}

void read_disks(const xmlNode* list, std::vector<BackupDisk>& out) {
    for (const xmlNode* d = list->children; d; d = d->next) {
        if (!is(d, "BackupDisk")) continue;
        BackupDisk disk;
        for (const xmlNode* f = d->children; f; f = f->next) {
            if (is(f, "Name")) disk.name = text_of(f);
            else if (is(f, "OriginalPath")) disk.original_path = text_of(f);
            else if (is(f, "Size")) disk.size = number_of(f);
        }
        out.push_back(std::move(disk));
    }
}

// The fields BackupItem and PartialBackupItem share.
bool read_common(const xmlNode* f, BackupElement& e) {
    if (is(f, "Id")) e.id = text_of(f);
    else if (is(f, "Host")) e.host = text_of(f);
    else if (is(f, "ServerUuid")) e.server_uuid = text_of(f);
    else if (is(f, "DateTime")) e.date_time = text_of(f);
    else if (is(f, "Creator")) e.creator = text_of(f);
    else if (is(f, "Size")) e.size = number_of(f);
    else if (is(f, "Type")) e.type = text_of(f);
    else if (is(f, "Description")) e.description = text_of(f);
    else if (is(f, "OriginalSize")) e.original_size = number_of(f);
    else if (is(f, "Flags")) e.flags = number_of(f);
    else if (is(f, "BackupDisks")) read_disks(f, e.disks);
    else return false;
    return true;
}

BackupChain read_chain(const xmlNode* item) {
    BackupChain chain;
    for (const xmlNode* f = item->children; f; f = f->next) {
        if (read_common(f, chain.full)) continue;
        if (!is(f, "PartialBackupItem")) continue;
        BackupElement p;
        for (const xmlNode* g = f->children; g; g = g->next) {
            if (is(g, "Number")) p.number = static_cast<std::uint32_t>(number_of(g));
            else read_common(g, p);
        }
        chain.partials.push_back(std::move(p));
    }
    return chain;
}

}  // namespace

std::string BackupElement::kind() const {
    if (type == "f") return "full";
    return (flags & PBT_DIFFERENTIAL) ? "differential" : "incremental";
}

std::vector<BackupVm> parse_backup_tree(const std::string& xml) {
    std::vector<BackupVm> vms;
    if (xml.empty()) return vms;
    if (xml.find("<!DOCTYPE") != std::string::npos || xml.find("<!ENTITY") != std::string::npos)
        throw Failure(PRL_ERR_INVALID_PARAM, "The backup tree holds a DOCTYPE; refused");
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;  // no NOENT, no DTDLOAD
    std::unique_ptr<xmlDoc, DocFree> doc(
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "backup-tree.xml", "UTF-8", options));
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (!root || !is(root, "BackupTree")) throw Failure(PRL_ERR_INVALID_PARAM, "The backup tree is not valid XML");
    for (const xmlNode* v = root->children; v; v = v->next) {
        if (!is(v, "VmItem")) continue;
        BackupVm vm;
        for (const xmlNode* f = v->children; f; f = f->next) {
            if (is(f, "Uuid")) vm.uuid = text_of(f);
            else if (is(f, "Name")) vm.name = text_of(f);
            else if (is(f, "VmType")) vm.container = number_of(f) == 1;
            else if (is(f, "BackupItem")) vm.chains.push_back(read_chain(f));
        }
        vms.push_back(std::move(vm));
    }
    return vms;
}

}  // namespace prlshim
