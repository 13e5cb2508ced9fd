// Object: the base of everything a PRL_HANDLE can refer to.
//
// Objects are owned by std::shared_ptr inside the library; a handle is one
// more owner, held by the HandleTable for as long as the client keeps at least
// one reference (PrlHandle_AddRef / PrlHandle_Free). An object handed out
// again while its handle is alive gets the same handle with one more reference.
#pragma once

#include <PrlEnums.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace prl {

class HandlerRegistry;

class Object : public std::enable_shared_from_this<Object> {
public:
    explicit Object(PRL_HANDLE_TYPE type) noexcept : type_(type) {}
    virtual ~Object() = default;
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;

    PRL_HANDLE_TYPE type() const noexcept { return type_; }
    // Which handle types handle_cast<T> lets through (each subclass narrows it).
    static bool accepts(PRL_HANDLE_TYPE) noexcept { return true; }

    // The callbacks registered on this object (PrlHandle_RegEventHandler), for
    // the types that are event sources (servers, VMs); null for the others.
    virtual std::shared_ptr<HandlerRegistry> handlers() const { return nullptr; }

private:
    friend class HandleTable;
    const PRL_HANDLE_TYPE type_;
    std::atomic<std::uint64_t> handle_{0};  // live handle id, 0 when none
};

using ObjectPtr = std::shared_ptr<Object>;

}  // namespace prl
