// Network policy objects and jobs (PrlApiNet.h): network classes
// (PrlNetworkClass_*), traffic shaping (PrlNetworkShapingEntry_*,
// PrlNetworkShapingBandwidthEntry_*, PrlNetworkShapingConfig_*), IP private
// networks (PrlIPPrivNet_*), the server's jobs that read and store them in the
// network document (docs/virtual-networks.md), and the network service calls,
// which answer as the product's dispatcher does: it runs no network service.
#include "net_fields.h"

#include "core/net_ops.h"
#include "core/server.h"

#include <PrlApiNet.h>

using namespace prl;
using namespace prl::abi;
namespace field = prl::abi::net;

namespace {

template <class T>
PRL_RESULT uint_out(PRL_HANDLE h, const char* path, PRL_UINT32_PTR out) {
    return sync([&] {
        const long long v = field::number<T>(h, path, 0);
        *out_ptr(out) = static_cast<PRL_UINT32>(v);
        return PRL_ERR_SUCCESS;
    });
}

template <class T>
PRL_RESULT uint_in(PRL_HANDLE h, const char* path, PRL_UINT32 value) {
    return sync([&] {
        field::set_number<T>(h, path, value);
        return PRL_ERR_SUCCESS;
    });
}

template <class T>
PRL_RESULT line_in(PRL_HANDLE h, const char* path, PRL_CONST_STR value, field::Rule rule) {
    return sync([&] {
        field::set_text<T>(h, path, value, rule);
        return PRL_ERR_SUCCESS;
    });
}

template <class T>
PRL_RESULT text_out(PRL_HANDLE h, const char* path, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] { return field::text_out<T>(h, path, buf, len); });
}

template <class T>
PRL_RESULT give_new(PRL_HANDLE_PTR out, const char* element, const std::function<void(service::XmlTree&)>& fill) {
    return sync([&] {
        out_ptr(out);
        service::XmlTree t;
        t.name = element;
        fill(t);
        give(std::make_shared<T>(element, std::move(t)), out);
        return PRL_ERR_SUCCESS;
    });
}

// Strings of a PHT_STRINGS_LIST, each one line of text.
std::vector<std::string> lines_of(PRL_HANDLE list) {
    auto l = handle_cast<StringsList>(list);
    std::vector<std::string> out = l->items();
    for (const auto& s : out) require(service::is_storable_path(s), PRL_ERR_INVALID_ARG, "not one line of text");
    return out;
}

std::vector<std::string> texts_of(service::XmlTree& t, const char* element) {
    std::vector<std::string> out;
    for (const service::XmlTree* e : t.all(element)) out.push_back(e->text);
    return out;
}

void replace_texts(service::XmlTree& t, const char* element, const std::vector<std::string>& values) {
    t.remove_all(element);
    for (const auto& v : values) t.add_child(element).text = v;
}

PRL_HANDLE server_job(PRL_JOB_OPERATION_CODE code, PRL_HANDLE hServer, std::function<ResultPtr(Server&)> op) {
    return async(code, [&] {
        auto server = handle_cast<Server>(hServer).share();
        return give_job(server->start_job(code, [server, op](Job&) { return op(*server); }));
    });
}

template <class T>
PRL_HANDLE object_job(PRL_JOB_OPERATION_CODE code, PRL_HANDLE hServer, PRL_HANDLE hObject,
                      std::function<void(Server&, service::XmlTree)> op) {
    return async(code, [&] {
        auto server = handle_cast<Server>(hServer).share();
        service::XmlTree t = handle_cast<T>(hObject)->copy();
        return give_job(server->start_job(code, [server, t, op](Job&) {
            op(*server, t);
            return std::make_shared<Result>();
        }));
    });
}

// A job the product's dispatcher answers with `code` (no network service).
PRL_HANDLE refused_job(PRL_JOB_OPERATION_CODE op, PRL_HANDLE hServer, PRL_RESULT code) {
    return server_job(op, hServer, [code](Server& s) -> ResultPtr {
        s.service();  // not logged in: PRL_ERR_NOT_CONNECTED_TO_DISPATCHER first
        fail(code, "the embedded service runs no network service");
    });
}

template <class T>
PRL_RESULT get_entries(PRL_HANDLE hConfig, const char* element, PRL_HANDLE_PTR phList) {
    return sync([&] {
        auto c = handle_cast<ShapingConfig>(hConfig);
        out_ptr(phList);
        std::vector<service::XmlTree> entries;
        c->with_tree([&](service::XmlTree& t) {
            for (const service::XmlTree* e : t.all(element)) entries.push_back(*e);
        });
        give(field::list_of<T>(element, entries), phList);
        return PRL_ERR_SUCCESS;
    });
}

template <class T>
PRL_RESULT set_entries(PRL_HANDLE hConfig, const char* element, PRL_HANDLE hList) {
    return sync([&] {
        auto c = handle_cast<ShapingConfig>(hConfig);
        auto entries = field::trees_of<T>(hList);
        c->with_tree([&](service::XmlTree& t) {
            t.remove_all(element);
            for (auto& e : entries) t.add_child(element) = std::move(e);
        });
        return PRL_ERR_SUCCESS;
    });
}

}  // namespace

extern "C" {

// ---- network classes ----

PRL_RESULT PrlNetworkClass_Create(PRL_UINT32 nClassId, PRL_HANDLE_PTR phNetworkClass) {
    return give_new<NetworkClass>(phNetworkClass, net_element::network_class,
                                  [&](service::XmlTree& t) { t.set_text_at("ClassId", std::to_string(nClassId)); });
}

PRL_RESULT PrlNetworkClass_GetClassId(PRL_HANDLE hNetworkClass, PRL_UINT32_PTR pnClassId) {
    return uint_out<NetworkClass>(hNetworkClass, "ClassId", pnClassId);
}

PRL_RESULT PrlNetworkClass_SetClassId(PRL_HANDLE hNetworkClass, PRL_UINT32 nClassId) {
    return uint_in<NetworkClass>(hNetworkClass, "ClassId", nClassId);
}

PRL_RESULT PrlNetworkClass_GetNetworkList(PRL_HANDLE hNetworkClass, PRL_HANDLE_PTR phNetworkList) {
    return sync([&] {
        auto c = handle_cast<NetworkClass>(hNetworkClass);
        out_ptr(phNetworkList);
        auto items = c->with_tree([](service::XmlTree& t) { return texts_of(t, "Network"); });
        give(std::make_shared<StringsList>(std::move(items)), phNetworkList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlNetworkClass_SetNetworkList(PRL_HANDLE hNetworkClass, PRL_HANDLE hNetworkList) {
    return sync([&] {
        auto c = handle_cast<NetworkClass>(hNetworkClass);
        const auto items = lines_of(hNetworkList);
        c->with_tree([&](service::XmlTree& t) { replace_texts(t, "Network", items); });
        return PRL_ERR_SUCCESS;
    });
}

// ---- shaping entries ----

PRL_RESULT PrlNetworkShapingEntry_Create(PRL_UINT32 nClassId, PRL_UINT32 nTotalRate,
                                         PRL_HANDLE_PTR phNetworkShapingEntry) {
    return give_new<ShapingEntry>(phNetworkShapingEntry, net_element::shaping_entry, [&](service::XmlTree& t) {
        t.set_text_at("ClassId", std::to_string(nClassId));
        t.set_text_at("TotalRate", std::to_string(nTotalRate));
    });
}

PRL_RESULT PrlNetworkShapingEntry_GetClassId(PRL_HANDLE h, PRL_UINT32_PTR pnClassId) {
    return uint_out<ShapingEntry>(h, "ClassId", pnClassId);
}
PRL_RESULT PrlNetworkShapingEntry_SetClassId(PRL_HANDLE h, PRL_UINT32 nClassId) {
    return uint_in<ShapingEntry>(h, "ClassId", nClassId);
}
PRL_RESULT PrlNetworkShapingEntry_GetTotalRate(PRL_HANDLE h, PRL_UINT32_PTR pnTotalRate) {
    return uint_out<ShapingEntry>(h, "TotalRate", pnTotalRate);
}
PRL_RESULT PrlNetworkShapingEntry_SetTotalRate(PRL_HANDLE h, PRL_UINT32 nTotalRate) {
    return uint_in<ShapingEntry>(h, "TotalRate", nTotalRate);
}
PRL_RESULT PrlNetworkShapingEntry_GetRate(PRL_HANDLE h, PRL_UINT32_PTR pnRate) {
    return uint_out<ShapingEntry>(h, "Rate", pnRate);
}
PRL_RESULT PrlNetworkShapingEntry_SetRate(PRL_HANDLE h, PRL_UINT32 nRate) {
    return uint_in<ShapingEntry>(h, "Rate", nRate);
}
PRL_RESULT PrlNetworkShapingEntry_GetDevice(PRL_HANDLE h, PRL_STR sDev, PRL_UINT32_PTR pnBufLength) {
    return text_out<ShapingEntry>(h, "Device", sDev, pnBufLength);
}
PRL_RESULT PrlNetworkShapingEntry_SetDevice(PRL_HANDLE h, PRL_CONST_STR sDev) {
    return line_in<ShapingEntry>(h, "Device", sDev, field::Rule::non_empty_line);
}

PRL_RESULT PrlNetworkShapingEntry_GetRateMPU(PRL_HANDLE h, PRL_INT32_PTR pnRateMPU) {
    return sync([&] {
        const long long v = field::number<ShapingEntry>(h, "RateMPU", 0);
        *out_ptr(pnRateMPU) = static_cast<PRL_INT32>(v);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlNetworkShapingEntry_SetRateMPU(PRL_HANDLE h, PRL_INT32 nRateMPU) {
    return sync([&] {
        field::set_number<ShapingEntry>(h, "RateMPU", nRateMPU);
        return PRL_ERR_SUCCESS;
    });
}

// ---- device bandwidth entries ----

PRL_RESULT PrlNetworkShapingBandwidthEntry_Create(PRL_CONST_STR sDev, PRL_UINT32 nBandwidth,
                                                  PRL_HANDLE_PTR phDeviceEntry) {
    return sync([&] {
        require(sDev != nullptr && service::is_storable_path(sDev), PRL_ERR_INVALID_ARG, "bad device name");
        return give_new<BandwidthEntry>(phDeviceEntry, net_element::bandwidth_entry, [&](service::XmlTree& t) {
            t.set_text_at("Device", sDev);
            t.set_text_at("Bandwidth", std::to_string(nBandwidth));
        });
    });
}

PRL_RESULT PrlNetworkShapingBandwidthEntry_GetDevice(PRL_HANDLE h, PRL_STR sDev, PRL_UINT32_PTR pnBufLength) {
    return text_out<BandwidthEntry>(h, "Device", sDev, pnBufLength);
}
PRL_RESULT PrlNetworkShapingBandwidthEntry_SetDevice(PRL_HANDLE h, PRL_CONST_STR sDev) {
    return line_in<BandwidthEntry>(h, "Device", sDev, field::Rule::non_empty_line);
}
PRL_RESULT PrlNetworkShapingBandwidthEntry_GetBandwidth(PRL_HANDLE h, PRL_UINT32_PTR pnBandwidth) {
    return uint_out<BandwidthEntry>(h, "Bandwidth", pnBandwidth);
}
PRL_RESULT PrlNetworkShapingBandwidthEntry_SetBandwidth(PRL_HANDLE h, PRL_UINT32 nBandwidth) {
    return uint_in<BandwidthEntry>(h, "Bandwidth", nBandwidth);
}

// ---- the shaping configuration ----

PRL_RESULT PrlNetworkShapingConfig_IsEnabled(PRL_HANDLE hConfig, PRL_BOOL_PTR pbEnabled) {
    return sync([&] {
        const std::string v = field::text<ShapingConfig>(hConfig, "Enabled", "false");
        *out_ptr(pbEnabled) = (v == "true" || v == "1") ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlNetworkShapingConfig_SetEnabled(PRL_HANDLE hConfig, PRL_BOOL bEnabled) {
    return sync([&] {
        handle_cast<ShapingConfig>(hConfig)->with_tree(
            [&](service::XmlTree& t) { t.set_text_at("Enabled", bEnabled ? "true" : "false"); });
        return PRL_ERR_SUCCESS;
    });
}


PRL_RESULT PrlNetworkShapingConfig_GetNetworkShapingList(PRL_HANDLE hConfig, PRL_HANDLE_PTR phList) {
    return get_entries<ShapingEntry>(hConfig, net_element::shaping_entry, phList);
}
PRL_RESULT PrlNetworkShapingConfig_SetNetworkShapingList(PRL_HANDLE hConfig, PRL_HANDLE hList) {
    return set_entries<ShapingEntry>(hConfig, net_element::shaping_entry, hList);
}
PRL_RESULT PrlNetworkShapingConfig_GetNetworkDeviceBandwidthList(PRL_HANDLE hConfig, PRL_HANDLE_PTR phList) {
    return get_entries<BandwidthEntry>(hConfig, net_element::bandwidth_entry, phList);
}
PRL_RESULT PrlNetworkShapingConfig_SetNetworkDeviceBandwidthList(PRL_HANDLE hConfig, PRL_HANDLE hList) {
    return set_entries<BandwidthEntry>(hConfig, net_element::bandwidth_entry, hList);
}

// ---- IP private networks ----

PRL_RESULT PrlIPPrivNet_Create(PRL_HANDLE_PTR phPrivNet) {
    return give_new<PrivateNetwork>(phPrivNet, net_element::private_network, [](service::XmlTree&) {});
}

PRL_RESULT PrlIPPrivNet_GetName(PRL_HANDLE hPrivNet, PRL_STR sName, PRL_UINT32_PTR pnNameBufLength) {
    return text_out<PrivateNetwork>(hPrivNet, "Name", sName, pnNameBufLength);
}

PRL_RESULT PrlIPPrivNet_SetName(PRL_HANDLE hPrivNet, PRL_CONST_STR sName) {
    return line_in<PrivateNetwork>(hPrivNet, "Name", sName, field::Rule::line);
}

PRL_RESULT PrlIPPrivNet_GetNetAddresses(PRL_HANDLE hPrivNet, PRL_HANDLE_PTR pNetAddresses) {
    return sync([&] {
        auto n = handle_cast<PrivateNetwork>(hPrivNet);
        out_ptr(pNetAddresses);
        auto items = n->with_tree([](service::XmlTree& t) { return texts_of(t, "NetAddress"); });
        give(std::make_shared<StringsList>(std::move(items)), pNetAddresses);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlIPPrivNet_SetNetAddresses(PRL_HANDLE hPrivNet, PRL_HANDLE NetAddresses) {
    return sync([&] {
        auto n = handle_cast<PrivateNetwork>(hPrivNet);
        const auto items = lines_of(NetAddresses);
        n->with_tree([&](service::XmlTree& t) { replace_texts(t, "NetAddress", items); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlIPPrivNet_IsGlobal(PRL_HANDLE hPrivNet, PRL_BOOL_PTR pbGlobal) {
    return sync([&] {
        const std::string v = field::text<PrivateNetwork>(hPrivNet, "Global", "false");
        *out_ptr(pbGlobal) = (v == "true" || v == "1") ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlIPPrivNet_SetGlobal(PRL_HANDLE hPrivNet, PRL_BOOL bGlobal) {
    return sync([&] {
        handle_cast<PrivateNetwork>(hPrivNet)->with_tree(
            [&](service::XmlTree& t) { t.set_text_at("Global", bGlobal ? "true" : "false"); });
        return PRL_ERR_SUCCESS;
    });
}

// ---- the server's jobs ----

PRL_HANDLE PrlSrv_GetIPPrivateNetworksList(PRL_HANDLE hServer, PRL_UINT32 /*nFlags*/) {
    return server_job(PJOC_SRV_GET_IPPRIVATE_NETWORKS_LIST, hServer, net_ops::list_private_networks);
}

PRL_HANDLE PrlSrv_AddIPPrivateNetwork(PRL_HANDLE hServer, PRL_HANDLE hPrivNet, PRL_UINT32 /*nFlags*/) {
    return object_job<PrivateNetwork>(PJOC_SRV_ADD_IPPRIVATE_NETWORK, hServer, hPrivNet,
                                      [](Server& s, service::XmlTree t) { net_ops::add_private_network(s, std::move(t)); });
}

PRL_HANDLE PrlSrv_UpdateIPPrivateNetwork(PRL_HANDLE hServer, PRL_HANDLE hPrivNet, PRL_UINT32 /*nFlags*/) {
    return object_job<PrivateNetwork>(PJOC_SRV_UPDATE_IPPRIVATE_NETWORK, hServer, hPrivNet, [](Server& s, service::XmlTree t) {
        net_ops::update_private_network(s, std::move(t));
    });
}

PRL_HANDLE PrlSrv_RemoveIPPrivateNetwork(PRL_HANDLE hServer, PRL_HANDLE hPrivNet, PRL_UINT32 /*nFlags*/) {
    return object_job<PrivateNetwork>(PJOC_SRV_REMOVE_IPPRIVATE_NETWORK, hServer, hPrivNet,
                                      [](Server& s, service::XmlTree t) { net_ops::remove_private_network(s, t); });
}

PRL_HANDLE PrlSrv_GetNetworkClassesList(PRL_HANDLE hServer, PRL_UINT32 /*nFlags*/) {
    return server_job(PJOC_SRV_GET_NETWORK_CLASSES_LIST, hServer, net_ops::network_classes);
}

PRL_HANDLE PrlSrv_UpdateNetworkClassesList(PRL_HANDLE hServer, PRL_HANDLE hNetworkClassesList, PRL_UINT32 /*nFlags*/) {
    return async(PJOC_SRV_UPDATE_NETWORK_CLASSES_CONFIG, [&] {
        auto server = handle_cast<Server>(hServer).share();
        auto classes = field::trees_of<NetworkClass>(hNetworkClassesList);
        return give_job(server->start_job(PJOC_SRV_UPDATE_NETWORK_CLASSES_CONFIG, [server, classes](Job&) {
            net_ops::update_network_classes(*server, classes);
            return std::make_shared<Result>();
        }));
    });
}

PRL_HANDLE PrlSrv_GetNetworkShapingConfig(PRL_HANDLE hServer, PRL_UINT32 /*nFlags*/) {
    return server_job(PJOC_SRV_GET_NETWORK_SHAPING_CONFIG, hServer, net_ops::shaping_config);
}

PRL_HANDLE PrlSrv_UpdateNetworkShapingConfig(PRL_HANDLE hServer, PRL_HANDLE hNetworkShapingConfig, PRL_UINT32 /*nFlags*/) {
    return object_job<ShapingConfig>(PJOC_SRV_UPDATE_NETWORK_SHAPING_CONFIG, hServer, hNetworkShapingConfig,
                                     [](Server& s, service::XmlTree t) { net_ops::update_shaping_config(s, std::move(t)); });
}

PRL_HANDLE PrlSrv_RestartNetworkShaping(PRL_HANDLE hServer, PRL_UINT32 /*nFlags*/) {
    return server_job(PJOC_SRV_RESTART_NETWORK_SHAPING, hServer, [](Server& s) {
        net_ops::restart_shaping(s);
        return std::make_shared<Result>();
    });
}

// The product's dispatcher has no handler for starting, stopping or
// restarting the network service (its task answers PRL_ERR_INVALID_ARG),
// and answers PRL_ERR_UNIMPLEMENTED for restoring defaults and for the status.
PRL_HANDLE PrlSrv_NetServiceStart(PRL_HANDLE hServer) {
    return refused_job(PJOC_SRV_NET_SERVICE_START, hServer, PRL_ERR_INVALID_ARG);
}
PRL_HANDLE PrlSrv_NetServiceStop(PRL_HANDLE hServer) {
    return refused_job(PJOC_SRV_NET_SERVICE_STOP, hServer, PRL_ERR_INVALID_ARG);
}
PRL_HANDLE PrlSrv_NetServiceRestart(PRL_HANDLE hServer) {
    return refused_job(PJOC_SRV_NET_SERVICE_RESTART, hServer, PRL_ERR_INVALID_ARG);
}
PRL_HANDLE PrlSrv_NetServiceRestoreDefaults(PRL_HANDLE hServer) {
    return refused_job(PJOC_SRV_NET_SERVICE_RESTORE_DEFAULTS, hServer, PRL_ERR_UNIMPLEMENTED);
}
PRL_HANDLE PrlSrv_GetNetServiceStatus(PRL_HANDLE hServer) {
    return refused_job(PJOC_SRV_GET_NET_SERVICE_STATUS, hServer, PRL_ERR_UNIMPLEMENTED);
}

}  // extern "C"
