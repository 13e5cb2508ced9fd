#include "lists.h"

#include "error.h"

#include <cstring>

namespace prl {
namespace {

void check_index(std::size_t index, std::size_t size) {
    require(index < size, PRL_ERR_INVALID_ARG, "list index out of range");
}

}  // namespace

std::size_t StringsList::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
}
void StringsList::add(std::string item) {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back(std::move(item));
}
std::string StringsList::at(std::size_t index) const {
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, items_.size());
    return items_[index];
}
void StringsList::remove(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, items_.size());
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
}
std::vector<std::string> StringsList::items() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_;
}

std::size_t HandlesList::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
}
void HandlesList::add(ObjectPtr item) {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back(std::move(item));
}
ObjectPtr HandlesList::at(std::size_t index) const {
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, items_.size());
    return items_[index];
}
void HandlesList::remove(std::size_t index) {
    ObjectPtr removed;  // released outside the lock: its destructor may free others
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, items_.size());
    removed = std::move(items_[index]);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
}
std::vector<ObjectPtr> HandlesList::items() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_;
}

OpTypeList::OpTypeList(std::size_t type_size) : Object(PHT_OPAQUE_TYPE_LIST), type_size_(type_size) {
    require(type_size == 1 || type_size == 2 || type_size == 4 || type_size == 8, PRL_ERR_INVALID_ARG,
            "unsupported item size");
}
std::size_t OpTypeList::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_.size() / type_size_;
}
void OpTypeList::add(const void* item) {
    const auto* p = static_cast<const unsigned char*>(item);
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_.insert(bytes_.end(), p, p + type_size_);
}
void OpTypeList::get(std::size_t index, void* item) const {
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, bytes_.size() / type_size_);
    std::memcpy(item, bytes_.data() + index * type_size_, type_size_);
}
void OpTypeList::remove(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    check_index(index, bytes_.size() / type_size_);
    const auto at = bytes_.begin() + static_cast<std::ptrdiff_t>(index * type_size_);
    bytes_.erase(at, at + static_cast<std::ptrdiff_t>(type_size_));
}

}  // namespace prl
