#include "ct_features.h"

#include "common.h"
#include "option_values.h"

namespace prlctl {
namespace {

struct Feature {
    const char* name;
    PRL_UINT32 id;
};
const Feature kFeatures[] = {
    {"sysfs", PCF_FEATURE_SYSFS}, {"nfs", PCF_FEATURE_NFS},       {"sit", PCF_FEATURE_SIT},
    {"ipip", PCF_FEATURE_IPIP},   {"ppp", PCF_FEATURE_PPP},       {"ipgre", PCF_FEATURE_IPGRE},
    {"bridge", PCF_FEATURE_BRIDGE}, {"nfsd", PCF_FEATURE_NFSD},   {"time", PCF_FEATURE_TIME},
};

}  // namespace

CtFeatures read_ct_features(const std::string& text) {
    CtFeatures out;
    std::string::size_type start = 0, end = 0;
    while (end < text.size()) {
        auto p = text.find(',', end);
        if (p == std::string::npos) p = text.find(' ', end);
        if (p == std::string::npos) p = text.size();
        end = p;
        const std::string token = text.substr(start, end - start);
        const auto colon = token.find(':');
        if (colon == std::string::npos)
            throw Error{1, "An incorrect value '" + token + "' for --features is specified (mode is not specified)"};
        const std::string name = token.substr(0, colon), mode = token.substr(colon + 1);
        PRL_UINT32 id = 0;
        for (const Feature& f : kFeatures)
            if (name == f.name) id = f.id;
        if (!id) throw Error{1, "An incorrect feature '" + name + "' for --features is specified"};
        out.known |= id;
        const int b = on_off(mode);
        if (b == -1) throw Error{1, "An incorrect mode '" + mode + "' for features '" + name + "' is specified"};
        if (b == 1) out.on |= id;
        start = ++end;
    }
    return out;
}

std::string ct_features_text(const CtFeatures& features) {
    std::string out;
    for (const Feature& f : kFeatures)
        if (features.known & f.id) out += std::string(f.name) + ":" + (features.on & f.id ? "on" : "off") + " ";
    return out;
}

}  // namespace prlctl
