// TreeObject: a small standalone object of the SDK (a firewall rule, a port
// forwarding rule, a network rate, a disk encryption...) kept as the XML
// element the product writes for it, so putting it into a configuration (or
// taking it out) is a copy of that element.
#pragma once

#include "boundary.h"
#include "copy_out.h"
#include "dev_args.h"

#include "core/object.h"

#include "service/store/xml_tree.h"

#include <mutex>
#include <string>
#include <utility>

namespace prl::abi {

template <PRL_HANDLE_TYPE Type>
class TreeObject : public Object {
public:
    explicit TreeObject(std::string element) : Object(Type) { tree_.name = std::move(element); }
    TreeObject(std::string element, service::XmlTree tree) : Object(Type), tree_(std::move(tree)) {
        tree_.name = std::move(element);
    }
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == Type; }

    template <class F>
    auto with(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(tree_);
    }
    service::XmlTree copy() {
        std::lock_guard<std::mutex> lock(mutex_);
        return tree_;
    }

private:
    std::mutex mutex_;
    service::XmlTree tree_;
};

// Field accessors of a TreeObject behind a handle (argument checks included).
template <class T>
PRL_RESULT tree_get_text(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len,
                         const std::string& fallback = {}) {
    auto o = handle_cast<T>(h);
    out_ptr(len);
    return copy_out(o->with([&](service::XmlTree& t) { return t.text_at(path).value_or(fallback); }), buf, len);
}

template <class T>
void tree_set_text(PRL_HANDLE h, const char* path, const std::string& value) {
    auto o = handle_cast<T>(h);
    o->with([&](service::XmlTree& t) { t.set_text_at(path, value); });
}

template <class T, class V>
void tree_get_int(PRL_HANDLE h, const char* path, V* out, long long fallback = 0) {
    auto o = handle_cast<T>(h);
    out_ptr(out);
    *out = static_cast<V>(o->with([&](service::XmlTree& t) { return int_at(t, path, fallback); }));
}

template <class T>
void tree_set_int(PRL_HANDLE h, const char* path, long long value) {
    auto o = handle_cast<T>(h);
    o->with([&](service::XmlTree& t) { t.set_text_at(path, std::to_string(value)); });
}

}  // namespace prl::abi
