// The SDK's three list types. Each guards its items with its own mutex, so a
// list may be shared between threads like any other handle.
#pragma once

#include "object.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace prl {

// PHT_STRINGS_LIST: UTF-8 strings, copied in and out.
class StringsList : public Object {
public:
    StringsList() noexcept : Object(PHT_STRINGS_LIST) {}
    explicit StringsList(std::vector<std::string> items) : Object(PHT_STRINGS_LIST), items_(std::move(items)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_STRINGS_LIST; }

    std::size_t size() const;
    void add(std::string item);
    std::string at(std::size_t index) const;  // PRL_ERR_INVALID_ARG when out of range
    void remove(std::size_t index);
    std::vector<std::string> items() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> items_;
};

// PHT_HANDLES_LIST: holds a reference to each object added.
class HandlesList : public Object {
public:
    HandlesList() noexcept : Object(PHT_HANDLES_LIST) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_HANDLES_LIST; }

    std::size_t size() const;
    void add(ObjectPtr item);
    ObjectPtr at(std::size_t index) const;
    void remove(std::size_t index);
    std::vector<ObjectPtr> items() const;

private:
    mutable std::mutex mutex_;
    std::vector<ObjectPtr> items_;
};

// PHT_OPAQUE_TYPE_LIST: fixed-size items of one scalar type (1, 2, 4 or 8 bytes).
class OpTypeList : public Object {
public:
    explicit OpTypeList(std::size_t type_size);  // PRL_ERR_INVALID_ARG for another size
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_OPAQUE_TYPE_LIST; }

    std::size_t type_size() const noexcept { return type_size_; }
    std::size_t size() const;
    void add(const void* item);
    void get(std::size_t index, void* item) const;
    void remove(std::size_t index);

private:
    const std::size_t type_size_;
    mutable std::mutex mutex_;
    std::vector<unsigned char> bytes_;
};

}  // namespace prl
