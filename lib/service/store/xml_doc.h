// Thin, safe libxml2 layer: hardened parsing (no network, no DTD, no entity
// expansion, size and depth bounds), RAII ownership and small helpers for
// reading and writing element trees.
#pragma once
#include <libxml/tree.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prl::service::xml {

struct DocFree {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

struct Limits {
    std::size_t max_bytes = 8u << 20;
    int max_depth = 64;
};

// Parses `bytes`; anything malformed, over the limits or carrying a DOCTYPE
// throws Error(Errc::corrupt, what + ": reason").
Doc parse(const std::string& bytes, const Limits& limits, const std::string& what);

// Child elements of `parent` (all, or those named `name`).
std::vector<xmlNode*> children(const xmlNode* parent, const char* name = nullptr);
xmlNode* child(const xmlNode* parent, const char* name);
std::string text(const xmlNode* node);
std::optional<std::string> child_text(const xmlNode* parent, const char* name);
std::optional<std::string> attribute(const xmlNode* node, const char* name);
bool is(const xmlNode* node, const char* name);

// Numbers from element text; a present but non-numeric value is corrupt.
std::optional<long long> child_int(const xmlNode* parent, const char* name);

// Writing. Text is escaped by libxml2; callers pass valid UTF-8.
Doc new_doc(const char* root_name);
xmlNode* add(xmlNode* parent, const char* name);
xmlNode* add(xmlNode* parent, const char* name, const std::string& value);
xmlNode* add(xmlNode* parent, const char* name, long long value);
void set_attribute(xmlNode* node, const char* name, const std::string& value);
std::string serialize(const Doc& doc);

}  // namespace prl::service::xml
