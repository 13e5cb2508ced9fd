#include "handle_table.h"

#include "error.h"

namespace prl {
namespace {

constexpr std::uint64_t kPinBits = 12;
constexpr std::uint64_t kRefBits = 20;
constexpr std::uint64_t kPinMask = (1ull << kPinBits) - 1;
constexpr std::uint64_t kRefOne = 1ull << kPinBits;
constexpr std::uint64_t kRefMask = ((1ull << kRefBits) - 1) << kPinBits;

constexpr std::uint32_t generation(std::uint64_t state) { return static_cast<std::uint32_t>(state >> 32); }
constexpr std::uint64_t refs(std::uint64_t state) { return (state & kRefMask) >> kPinBits; }
constexpr std::uint64_t pins(std::uint64_t state) { return state & kPinMask; }

std::uint32_t id_generation(HandleTable::Id id) { return static_cast<std::uint32_t>(id >> 32); }
bool id_index(HandleTable::Id id, std::uint32_t* index) {
    const auto low = static_cast<std::uint32_t>(id & 0xffffffffu);
    if (low == 0 || id_generation(id) == 0) return false;
    *index = low - 1;
    return true;
}

}  // namespace

HandleTable& HandleTable::instance() {
    // Never destroyed: handles may be used (and rejected) until process exit.
    static HandleTable* table = new HandleTable;
    return *table;
}

HandleTable::Slot* HandleTable::slot(std::uint32_t index) const noexcept {
    const std::uint32_t segment = index >> kSegmentBits;
    if (segment >= kMaxSegments) return nullptr;
    Slot* base = segments_[segment].load(std::memory_order_acquire);
    return base ? base + (index & (kSegmentSize - 1)) : nullptr;
}

std::uint32_t HandleTable::allocate_index() {
    std::lock_guard<std::mutex> lock(alloc_mutex_);
    if (!free_.empty()) {
        const std::uint32_t index = free_.back();
        free_.pop_back();
        return index;
    }
    const std::uint32_t index = next_unused_;
    const std::uint32_t segment = index >> kSegmentBits;
    if (segment >= kMaxSegments) fail(PRL_ERR_OUT_OF_MEMORY, "handle table is full");
    if (!segments_[segment].load(std::memory_order_relaxed)) {
        Slot* fresh = new Slot[kSegmentSize];
        for (std::uint32_t i = 0; i < kSegmentSize; ++i) fresh[i].state.store(1ull << 32, std::memory_order_relaxed);
        segments_[segment].store(fresh, std::memory_order_release);
    }
    ++next_unused_;
    return index;
}

HandleTable::Id HandleTable::issue(const ObjectPtr& object) {
    for (;;) {
        Id current = object->handle_.load(std::memory_order_acquire);
        if (current != 0 && add_ref(current)) return current;

        const std::uint32_t index = allocate_index();
        Slot* s = slot(index);
        s->object = object;
        s->type.store(object->type(), std::memory_order_relaxed);
        const std::uint64_t gen = generation(s->state.load(std::memory_order_relaxed));
        s->state.store((gen << 32) | kRefOne, std::memory_order_release);
        live_.fetch_add(1, std::memory_order_relaxed);
        const Id fresh = (gen << 32) | (static_cast<Id>(index) + 1);
        if (object->handle_.compare_exchange_strong(current, fresh, std::memory_order_acq_rel)) return fresh;
        release(fresh);  // another thread gave the object a handle first: use that one
    }
}

bool HandleTable::add_ref(Id id) noexcept {
    std::uint32_t index;
    if (!id_index(id, &index)) return false;
    Slot* s = slot(index);
    if (!s) return false;
    std::uint64_t state = s->state.load(std::memory_order_acquire);
    do {
        if (generation(state) != id_generation(id) || refs(state) == 0) return false;
        if (refs(state) == (kRefMask >> kPinBits)) return false;  // saturated
    } while (!s->state.compare_exchange_weak(state, state + kRefOne, std::memory_order_acq_rel));
    return true;
}

bool HandleTable::release(Id id) noexcept {
    std::uint32_t index;
    if (!id_index(id, &index)) return false;
    Slot* s = slot(index);
    if (!s) return false;
    std::uint64_t state = s->state.load(std::memory_order_acquire);
    do {
        if (generation(state) != id_generation(id) || refs(state) == 0) return false;
    } while (!s->state.compare_exchange_weak(state, state - kRefOne, std::memory_order_acq_rel));
    const std::uint64_t after = state - kRefOne;
    if (refs(after) == 0 && pins(after) == 0) retire(index, after);
    return true;
}

HandleTable::Pin HandleTable::pin(Id id) noexcept {
    std::uint32_t index;
    if (!id_index(id, &index)) return {};
    Slot* s = slot(index);
    if (!s) return {};
    std::uint64_t state = s->state.load(std::memory_order_acquire);
    do {
        if (generation(state) != id_generation(id) || refs(state) == 0 || pins(state) == kPinMask) return {};
    } while (!s->state.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel));
    return Pin(this, index, s->object.get());
}

void HandleTable::unpin(std::uint32_t index) noexcept {
    Slot* s = slot(index);
    const std::uint64_t after = s->state.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (refs(after) == 0 && pins(after) == 0) retire(index, after);
}

bool HandleTable::type_of(Id id, PRL_HANDLE_TYPE* type) const noexcept {
    std::uint32_t index;
    if (!id_index(id, &index)) return false;
    const Slot* s = slot(index);
    if (!s) return false;
    // Seqlock-style read: the type is valid if the slot was live with this
    // generation both before and after reading it.
    const std::uint64_t before = s->state.load(std::memory_order_acquire);
    if (generation(before) != id_generation(id) || refs(before) == 0) return false;
    const auto t = s->type.load(std::memory_order_acquire);
    const std::uint64_t after = s->state.load(std::memory_order_acquire);
    if (generation(after) != id_generation(id) || refs(after) == 0) return false;
    *type = static_cast<PRL_HANDLE_TYPE>(t);
    return true;
}

void HandleTable::retire(std::uint32_t index, std::uint64_t dead_state) noexcept {
    // Only the thread that brought the slot to (0 refs, 0 pins) gets here, and
    // nothing can pin or reference a dead slot, so this thread owns it now.
    Slot* s = slot(index);
    ObjectPtr object = std::move(s->object);
    const std::uint64_t gen = generation(dead_state);
    Id id = (static_cast<Id>(gen) << 32) | (static_cast<Id>(index) + 1);
    if (object) object->handle_.compare_exchange_strong(id, 0, std::memory_order_acq_rel);
    std::uint64_t next_gen = static_cast<std::uint64_t>(gen) + 1;
    if (next_gen > 0xffffffffull) next_gen = 1;  // 0 never names a live generation
    s->state.store(next_gen << 32, std::memory_order_release);
    live_.fetch_sub(1, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(alloc_mutex_);
        try {
            free_.push_back(index);
        } catch (...) {
            // Out of memory growing the free list: the slot is leaked, not reused.
        }
    }
    object.reset();  // may run destructors that release further handles
}

std::size_t HandleTable::live_count_of(PRL_HANDLE_TYPE type) const noexcept {
    std::uint32_t used;
    {
        std::lock_guard<std::mutex> lock(alloc_mutex_);
        used = next_unused_;
    }
    std::size_t n = 0;
    for (std::uint32_t index = 0; index < used; ++index) {
        const Slot* s = slot(index);
        if (s && refs(s->state.load(std::memory_order_acquire)) != 0 &&
            s->type.load(std::memory_order_relaxed) == static_cast<std::uint32_t>(type))
            ++n;
    }
    return n;
}

std::map<PRL_HANDLE_TYPE, std::size_t> HandleTable::release_all() {
    std::map<PRL_HANDLE_TYPE, std::size_t> leaked;
    std::uint32_t used;
    {
        std::lock_guard<std::mutex> lock(alloc_mutex_);
        used = next_unused_;
    }
    // Objects freed here may free others; repeat until a pass finds nothing.
    for (bool found = true; found;) {
        found = false;
        for (std::uint32_t index = 0; index < used; ++index) {
            Slot* s = slot(index);
            std::uint64_t state = s->state.load(std::memory_order_acquire);
            while (refs(state) != 0) {
                const std::uint64_t dead = state & ~kRefMask;
                if (s->state.compare_exchange_weak(state, dead, std::memory_order_acq_rel)) {
                    ++leaked[static_cast<PRL_HANDLE_TYPE>(s->type.load(std::memory_order_relaxed))];
                    found = true;
                    if (pins(dead) == 0) retire(index, dead);
                    break;
                }
            }
        }
    }
    return leaked;
}

}  // namespace prl
