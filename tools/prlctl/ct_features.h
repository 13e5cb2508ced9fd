// Container features (--features name:on|off, the `Features` line of
// `list -i`), named as the product's prlctl names them.
#pragma once

#include <PrlTypes.h>

#include <string>

namespace prlctl {

struct CtFeatures {
    PRL_UINT32 known = 0;  // PCF_FEATURE_* given (or set either way)
    PRL_UINT32 on = 0;     // those of them switched on
};

// "--features" text, split and checked as the product does it (a "," ends a
// token, else a " "); throws Error with the product's message.
CtFeatures read_ct_features(const std::string& text);
// "name:on name:off " in the product's order (each followed by a space).
std::string ct_features_text(const CtFeatures& features);

}  // namespace prlctl
