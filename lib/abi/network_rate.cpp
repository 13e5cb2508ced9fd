// PrlNetworkRate_* (PHT_NETWORK_RATE): a rate limit for one network class,
// and a VM's list of them (PrlVmCfg_Get/SetNetworkRateList), kept in
// config.pvs as Settings/GlobalNetwork/NetworkRates/NetworkRate elements
// (ClassId, Rate). Setting the list keeps NetworkRates' RateBound, as the SDK.
#include "tree_object.h"

#include "core/lists.h"
#include "core/vm.h"

using namespace prl;
using namespace prl::abi;

namespace {

using NetworkRate = TreeObject<PHT_NETWORK_RATE>;
constexpr const char* kRatesPath = "Settings/GlobalNetwork/NetworkRates";

}  // namespace

extern "C" {

PRL_RESULT PrlNetworkRate_Create(PRL_UINT32 nClassId, PRL_UINT32 nRate, PRL_HANDLE_PTR phNetworkRate) {
    return sync([&] {
        out_ptr(phNetworkRate);
        auto rate = std::make_shared<NetworkRate>("NetworkRate");
        rate->with([&](service::XmlTree& t) {
            t.set_text_at("ClassId", std::to_string(nClassId));
            t.set_text_at("Rate", std::to_string(nRate));
        });
        give(rate, phNetworkRate);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlNetworkRate_GetClassId(PRL_HANDLE hNetworkRate, PRL_UINT32_PTR pnClassId) {
    return sync([&] {
        tree_get_int<NetworkRate>(hNetworkRate, "ClassId", pnClassId);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlNetworkRate_GetRate(PRL_HANDLE hNetworkRate, PRL_UINT32_PTR pnRate) {
    return sync([&] {
        tree_get_int<NetworkRate>(hNetworkRate, "Rate", pnRate);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetNetworkRateList(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phNetworkRateList) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phNetworkRateList);
        const auto rates = vm->read([](const service::VmConfig& c) {
            std::vector<service::XmlTree> out;
            if (const service::XmlTree* list = c.extra.find(kRatesPath))
                for (const auto* r : list->all("NetworkRate")) out.push_back(*r);
            return out;
        });
        auto list = std::make_shared<HandlesList>();
        for (const auto& r : rates) list->add(std::make_shared<NetworkRate>("NetworkRate", r));
        give(list, phNetworkRateList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetNetworkRateList(PRL_HANDLE hVmCfg, PRL_HANDLE hNetworkRateList) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        auto items = handle_cast<HandlesList>(hNetworkRateList)->items();
        require(items.size() <= 4096, PRL_ERR_INVALID_ARG, "too many rates");
        std::vector<service::XmlTree> rates;
        for (const auto& item : items) {
            require(item && NetworkRate::accepts(item->type()), PRL_ERR_INVALID_ARG, "not a network rate");
            rates.push_back(static_cast<NetworkRate&>(*item).copy());
        }
        vm->edit([&](service::VmConfig& c) {
            if (c.extra.name.empty()) c.extra.name = "VirtuozzoVirtualMachine";
            service::XmlTree& list = c.extra.ensure(kRatesPath);
            list.remove_all("NetworkRate");
            for (auto& r : rates) list.add_child("NetworkRate") = std::move(r);
        });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
