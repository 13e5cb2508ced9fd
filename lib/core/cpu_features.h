// CpuFeatures (PHT_CPU_FEATURES): the CPUID feature words a client reads and
// sets by PRL_CPU_FEATURES_EX index (PrlCpuFeatures_*); used for the
// dispatcher's CPU feature mask (PrlDispCfg_Get/SetCpuFeaturesMaskEx).
#pragma once

#include "error.h"
#include "object.h"

#include <array>
#include <mutex>

namespace prl {

class CpuFeatures : public Object {
public:
    static constexpr std::size_t kCount = PCFE_MAX;
    CpuFeatures() noexcept : Object(PHT_CPU_FEATURES) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_CPU_FEATURES; }

    // PRL_ERR_INVALID_ARG for an index outside the PRL_CPU_FEATURES_EX values.
    PRL_UINT32 get(long long id) const {
        require(id >= 0 && id < static_cast<long long>(kCount), PRL_ERR_INVALID_ARG, "no such CPU feature word");
        std::lock_guard<std::mutex> lock(mutex_);
        return values_[static_cast<std::size_t>(id)];
    }
    void set(long long id, PRL_UINT32 value) {
        require(id >= 0 && id < static_cast<long long>(kCount), PRL_ERR_INVALID_ARG, "no such CPU feature word");
        std::lock_guard<std::mutex> lock(mutex_);
        values_[static_cast<std::size_t>(id)] = value;
    }

private:
    mutable std::mutex mutex_;
    std::array<PRL_UINT32, kCount> values_{};
};

}  // namespace prl
