#include "xml_parser_pool.h"

#include <libxml/parser.h>
#include <libxml/dict.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace prl::platform {
namespace {

class ContextPool {
public:
    xmlParserCtxt* acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                xmlParserCtxt* c = idle_.back();
                idle_.pop_back();
                return c;
            }
        }
        static std::once_flag once;
        std::call_once(once, [] { xmlInitParser(); });
        xmlParserCtxt* c = xmlNewParserCtxt();
        if (!c) throw std::bad_alloc();
        return c;
    }

    // A context whose dictionary (the names it has seen) has grown is
    // retired rather than kept.
    void release(xmlParserCtxt* c) noexcept {
        if (static_cast<std::size_t>(xmlDictSize(c->dict)) <= kMaxNames) {
            std::lock_guard lock(mutex_);
            if (idle_.size() < kMaxIdle) {
                idle_.push_back(c);
                return;
            }
        }
        xmlFreeParserCtxt(c);
    }

private:
    static constexpr std::size_t kMaxIdle = 32, kMaxNames = 4096;
    std::mutex mutex_;
    std::vector<xmlParserCtxt*> idle_;
};

// Never destroyed: a thread may still parse while the process exits.
ContextPool& pool() {
    static ContextPool* p = new ContextPool;
    return *p;
}

}  // namespace

xmlDoc* read_document(xmlParserCtxt* ctxt, const std::string& bytes, int options) {
    // The push parser refuses a text over 10 MB, which a document may hold
    // (a VM's configuration in base64): such documents are read as a stream.
    constexpr std::size_t kPushBelow = 10'000'000;  // XML_MAX_LOOKUP_LIMIT
    if (bytes.size() >= kPushBelow)
        return xmlCtxtReadMemory(ctxt, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX)),
                                 nullptr, nullptr, options);
    if (xmlCtxtResetPush(ctxt, nullptr, 0, nullptr, nullptr) != 0) throw std::bad_alloc();
    xmlCtxtUseOptions(ctxt, options);
    xmlParseChunk(ctxt, bytes.data(), static_cast<int>(bytes.size()), 1);
    xmlDoc* doc = ctxt->myDoc;
    ctxt->myDoc = nullptr;
    if (doc && !ctxt->wellFormed && !ctxt->recovery) {  // as xmlCtxtReadMemory
        xmlFreeDoc(doc);
        doc = nullptr;
    }
    return doc;
}

PooledXmlParser::PooledXmlParser() : ctxt_(pool().acquire()) {}
PooledXmlParser::~PooledXmlParser() { pool().release(ctxt_); }

}  // namespace prl::platform
