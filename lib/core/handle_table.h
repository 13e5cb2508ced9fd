// HandleTable: maps PRL_HANDLE values to objects. Design (docs/handles.md):
//
// A handle is (generation << 32) | (slot + 1): never 0, never a pointer. Each
// slot has one 64-bit state word — generation (32 bits), the client's
// reference count (20 bits) and in-flight pins (12 bits) — updated by CAS, so
// a lookup is a few atomic operations on the slot alone and never takes a
// lock. A stale handle fails the generation check; a live one is pinned for
// the duration of a call, so a concurrent PrlHandle_Free cannot destroy the
// object under it: the last of (reference, pin) to go retires the slot.
#pragma once

#include "object.h"

#include <PrlTypes.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace prl {

class HandleTable {
public:
    using Id = std::uint64_t;

    static HandleTable& instance();

    // Gives `object` to the client with one more reference: its live handle
    // when it has one, otherwise a new one.
    Id issue(const ObjectPtr& object);
    bool add_ref(Id id) noexcept;
    bool release(Id id) noexcept;
    bool type_of(Id id, PRL_HANDLE_TYPE* type) const noexcept;

    // Keeps a live object from being destroyed while a call uses it.
    class Pin {
    public:
        Pin() noexcept = default;
        Pin(Pin&& other) noexcept : table_(other.table_), index_(other.index_), object_(other.object_) {
            other.table_ = nullptr;
        }
        Pin& operator=(Pin&&) = delete;
        ~Pin() { if (table_) table_->unpin(index_); }
        explicit operator bool() const noexcept { return table_ != nullptr; }
        Object* get() const noexcept { return object_; }
        ObjectPtr share() const { return object_->shared_from_this(); }

    private:
        friend class HandleTable;
        Pin(HandleTable* table, std::uint32_t index, Object* object) noexcept
            : table_(table), index_(index), object_(object) {}
        HandleTable* table_ = nullptr;
        std::uint32_t index_ = 0;
        Object* object_ = nullptr;
    };
    Pin pin(Id id) noexcept;

    // Drops every client reference (PrlApi_Deinit). Returns the handles that
    // were still referenced, counted by type, for the leak report.
    std::map<PRL_HANDLE_TYPE, std::size_t> release_all();

    std::size_t live_count() const noexcept { return live_.load(std::memory_order_relaxed); }
    // Live handles of one type (PrlDbg_GetHandlesNum); a snapshot, racing
    // with concurrent issue/release like any count.
    std::size_t live_count_of(PRL_HANDLE_TYPE type) const noexcept;

private:
    static constexpr unsigned kSegmentBits = 12;
    static constexpr std::uint32_t kSegmentSize = 1u << kSegmentBits;
    static constexpr std::uint32_t kMaxSegments = 1u << 14;  // 64M handles

    struct Slot {
        std::atomic<std::uint64_t> state{0};
        std::atomic<std::uint32_t> type{0};
        ObjectPtr object;  // written only while the slot is dead, read only while pinned
    };

    Slot* slot(std::uint32_t index) const noexcept;
    std::uint32_t allocate_index();
    void retire(std::uint32_t index, std::uint64_t dead_state) noexcept;
    void unpin(std::uint32_t index) noexcept;

    std::array<std::atomic<Slot*>, kMaxSegments> segments_{};
    mutable std::mutex alloc_mutex_;  // guards free_ and growth; never taken by lookups
    std::vector<std::uint32_t> free_;
    std::uint32_t next_unused_ = 0;
    std::atomic<std::size_t> live_{0};
};

inline PRL_HANDLE to_handle(HandleTable::Id id) noexcept {
    return reinterpret_cast<PRL_HANDLE>(static_cast<std::uintptr_t>(id));
}
inline HandleTable::Id from_handle(PRL_HANDLE h) noexcept {
    return static_cast<HandleTable::Id>(reinterpret_cast<std::uintptr_t>(h));
}

}  // namespace prl
