// The dispatcher's network entries: PrlDispCfg_CreateDispNet /
// GetDispNetCount / GetDispNet, PrlDispNet_Remove, GetUuid and the
// port-forwarding document (the scalar PrlDispNet_ pairs are table-driven and
// tested by the generated property tests).
#include "session_fixture.h"

#include <cstring>
#include <string>

using capi::Handle;

namespace {

Handle prefs_of(PRL_HANDLE server) { return capi::job_param(PrlSrv_GetCommonPrefs(server)); }

void commit(PRL_HANDLE server, PRL_HANDLE prefs) {
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_CommonPrefsBeginEdit(server)));
    REQUIRE_PRL_OK(capi::job_code(PrlSrv_CommonPrefsCommit(server, prefs)));
}

// The same preferences as a second session reads them from disk.
struct Other {
    Handle server;
    Other() {
        REQUIRE_PRL_OK(PrlSrv_Create(server.out()));
        REQUIRE_PRL_OK(capi::job_code(PrlSrv_LoginLocal(server, nullptr, 0, PSL_HIGH_SECURITY)));
    }
    ~Other() {
        Handle job(PrlSrv_Logoff(server));
        PrlJob_Wait(job, 60000);
    }
};

PRL_UINT32 count_of(PRL_HANDLE prefs) {
    PRL_UINT32 n = 12345;
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNetCount(prefs, &n));
    return n;
}

std::string uuid_of(PRL_HANDLE net) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetUuid(net, b, l); });
}
std::string name_of(PRL_HANDLE net) {
    return capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetName(net, b, l); });
}

std::string forwarding_of(PRL_HANDLE net) {
    PRL_VOID_PTR p = nullptr;
    REQUIRE_PRL_OK(PrlDispNet_PortForwardingToString(net, &p));
    REQUIRE(p != nullptr);
    std::string s(static_cast<const char*>(p));
    PrlBuffer_Free(p);
    return s;
}

const char* kForwarding =
    "<PortForwarding><Port><PortType>0</PortType><PortNumIn>8080</PortNumIn><PortNumOut>80</PortNumOut>"
    "<IpAddress>10.0.0.5</IpAddress></Port></PortForwarding>";

}  // namespace

TEST_CASE("dispatcher network entries are made, counted and listed in the common preferences", "[dispnet]") {
    capi::Session s;
    Handle prefs = prefs_of(s.server);
    REQUIRE(count_of(prefs) == 0);

    Handle a, b;
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, a.out()));
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, b.out()));
    REQUIRE(count_of(prefs) == 2);
    PRL_HANDLE_TYPE type{};
    REQUIRE_PRL_OK(PrlHandle_GetType(a, &type));
    REQUIRE(type == PHT_DISP_NET_ADAPTER);

    // Each entry has its own UUID, in the product's braced form.
    const std::string ua = uuid_of(a), ub = uuid_of(b);
    REQUIRE(ua.size() == 38);
    REQUIRE(ua.front() == '{');
    REQUIRE(ua.back() == '}');
    REQUIRE(ua != ub);

    // GetDispNet gives the entries in list order, the same entries: a change
    // made through one handle is seen through the other.
    Handle first, second;
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, 0, first.out()));
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, 1, second.out()));
    REQUIRE(uuid_of(first) == ua);
    REQUIRE(uuid_of(second) == ub);
    REQUIRE_PRL_OK(PrlDispNet_SetName(a, "net-a"));
    REQUIRE(name_of(first) == "net-a");
    REQUIRE(name_of(second).empty());

    // Argument checks.
    Handle none;
    CHECK(PrlDispCfg_GetDispNet(prefs, 2, none.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNet(prefs, 0xFFFFFFFFu, none.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNet(prefs, 0, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNet(s.server, 0, none.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNet(capi::forged_handle(), 0, none.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_CreateDispNet(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_CreateDispNet(s.server, none.out()) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_CreateDispNet(capi::forged_handle(), none.out()) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 n = 0;
    CHECK(PrlDispCfg_GetDispNetCount(prefs, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNetCount(a, &n) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispCfg_GetDispNetCount(capi::forged_handle(), &n) == PRL_ERR_INVALID_ARG);
    PRL_UINT32 len = 0;
    CHECK(PrlDispNet_GetUuid(a, nullptr, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_GetUuid(prefs, nullptr, &len) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_GetUuid(capi::forged_handle(), nullptr, &len) == PRL_ERR_INVALID_ARG);
    char small[8];
    len = sizeof small;
    CHECK(PrlDispNet_GetUuid(a, small, &len) == PRL_ERR_BUFFER_OVERRUN);
    CHECK(len == 39);
    CHECK(PrlDispNet_Remove(prefs) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_Remove(capi::forged_handle()) == PRL_ERR_INVALID_ARG);
    CHECK(count_of(prefs) == 2);
}

TEST_CASE("dispatcher network entries are committed with the preferences and read back", "[dispnet]") {
    capi::Session s;
    Handle prefs = prefs_of(s.server);
    Handle net;
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, net.out()));
    REQUIRE_PRL_OK(PrlDispNet_SetName(net, "Host-Only"));
    REQUIRE_PRL_OK(PrlDispNet_SetSysName(net, "vnic1"));
    REQUIRE_PRL_OK(PrlDispNet_SetIndex(net, 1));
    REQUIRE_PRL_OK(PrlDispNet_SetNetworkType(net, PNA_SHARED));
    REQUIRE_PRL_OK(PrlDispNet_SetDhcpEnabled(net, PRL_TRUE));
    REQUIRE_PRL_OK(PrlDispNet_SetDhcpScopeStartIp(net, "10.37.129.1"));
    REQUIRE_PRL_OK(PrlDispNet_PortForwardingFromString(net, kForwarding));
    const std::string uuid = uuid_of(net);

    // Not on disk before the commit.
    {
        Other o;
        REQUIRE(count_of(prefs_of(o.server)) == 0);
    }
    commit(s.server, prefs);
    // The committed copy still reaches its entry.
    REQUIRE(name_of(net) == "Host-Only");

    Other o;
    Handle again = prefs_of(o.server);
    REQUIRE(count_of(again) == 1);
    Handle read;
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(again, 0, read.out()));
    CHECK(uuid_of(read) == uuid);
    CHECK(name_of(read) == "Host-Only");
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetSysName(read, b, l); }) == "vnic1");
    PRL_UINT32 index = 0;
    REQUIRE_PRL_OK(PrlDispNet_GetIndex(read, &index));
    CHECK(index == 1);
    PRL_NET_ADAPTER_EMULATED_TYPE type{};
    REQUIRE_PRL_OK(PrlDispNet_GetNetworkType(read, &type));
    CHECK(type == PNA_SHARED);
    PRL_BOOL dhcp = PRL_FALSE, hidden = PRL_FALSE;
    REQUIRE_PRL_OK(PrlDispNet_IsDhcpEnabled(read, &dhcp));
    CHECK(dhcp == PRL_TRUE);
    REQUIRE_PRL_OK(PrlDispNet_IsHidden(read, &hidden));
    CHECK(hidden == PRL_TRUE);
    CHECK(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlDispNet_GetDhcpScopeStartIp(read, b, l); }) ==
          "10.37.129.1");
    const std::string fwd = forwarding_of(read);
    CHECK(fwd.find("<PortNumIn>8080</PortNumIn>") != std::string::npos);
    CHECK(fwd.find("<IpAddress>10.0.0.5</IpAddress>") != std::string::npos);
}

TEST_CASE("a removed dispatcher network entry is gone after the commit", "[dispnet]") {
    capi::Session s;
    Handle prefs = prefs_of(s.server);
    Handle keep, drop;
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, keep.out()));
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, drop.out()));
    REQUIRE_PRL_OK(PrlDispNet_SetName(keep, "keep"));
    REQUIRE_PRL_OK(PrlDispNet_SetName(drop, "drop"));
    commit(s.server, prefs);
    {
        Other o;
        REQUIRE(count_of(prefs_of(o.server)) == 2);
    }

    REQUIRE_PRL_OK(PrlDispNet_Remove(drop));
    REQUIRE(count_of(prefs) == 1);
    // The handle stays valid but its entry is gone.
    PRL_BOOL b = PRL_FALSE;
    PRL_UINT32 len = 0;
    PRL_VOID_PTR p = nullptr;
    CHECK(PrlDispNet_IsEnabled(drop, &b) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlDispNet_SetName(drop, "x") == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlDispNet_GetUuid(drop, nullptr, &len) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlDispNet_PortForwardingToString(drop, &p) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlDispNet_PortForwardingFromString(drop, kForwarding) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(PrlDispNet_Remove(drop) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(name_of(keep) == "keep");

    commit(s.server, prefs);
    Other o;
    Handle again = prefs_of(o.server);
    REQUIRE(count_of(again) == 1);
    Handle read;
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(again, 0, read.out()));
    CHECK(name_of(read) == "keep");
    CHECK(uuid_of(read) == uuid_of(keep));
}

TEST_CASE("dispatcher network port forwarding is read and written as its XML element", "[dispnet]") {
    capi::Session s;
    Handle prefs = prefs_of(s.server);
    Handle net;
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, net.out()));

    // A new entry has an empty PortForwarding element.
    const std::string empty = forwarding_of(net);
    CHECK(empty.find("<PortForwarding") != std::string::npos);
    CHECK(empty.find("<Port>") == std::string::npos);

    REQUIRE_PRL_OK(PrlDispNet_PortForwardingFromString(net, kForwarding));
    const std::string set = forwarding_of(net);
    CHECK(set.find("<PortNumOut>80</PortNumOut>") != std::string::npos);
    // What ToString gives, FromString takes back unchanged.
    REQUIRE_PRL_OK(PrlDispNet_PortForwardingFromString(net, set.c_str()));
    CHECK(forwarding_of(net) == set);

    // Refused: null, not XML, another element, bytes that are not UTF-8,
    // control characters, too large; the entry keeps what it had.
    CHECK(PrlDispNet_PortForwardingFromString(net, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(net, "") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(net, "not xml") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(net, "<CommonPreferences/>") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(net, "<PortForwarding>\xff\xfe</PortForwarding>") == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(net, "<PortForwarding>\x01\x02</PortForwarding>") == PRL_ERR_INVALID_ARG);
    std::string huge = "<PortForwarding>" + std::string(9u << 20, 'a') + "</PortForwarding>";
    CHECK(PrlDispNet_PortForwardingFromString(net, huge.c_str()) == PRL_ERR_INVALID_ARG);
    CHECK(forwarding_of(net) == set);

    PRL_VOID_PTR p = nullptr;
    CHECK(PrlDispNet_PortForwardingToString(net, nullptr) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingToString(prefs, &p) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingToString(capi::forged_handle(), &p) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(prefs, kForwarding) == PRL_ERR_INVALID_ARG);
    CHECK(PrlDispNet_PortForwardingFromString(capi::forged_handle(), kForwarding) == PRL_ERR_INVALID_ARG);
}

TEST_CASE("dispatcher network entries follow the preferences they live in", "[dispnet]") {
    capi::Session s;
    Handle prefs = prefs_of(s.server);
    Handle net;
    REQUIRE_PRL_OK(PrlDispCfg_CreateDispNet(prefs, net.out()));

    // Preferences replaced from a document without the entry: it is gone.
    REQUIRE_PRL_OK(PrlDispCfg_FromString(prefs, "<CommonPreferences/>"));
    PRL_BOOL b = PRL_FALSE;
    CHECK(PrlDispNet_IsEnabled(net, &b) == PRL_ERR_OBJECT_WAS_REMOVED);
    CHECK(count_of(prefs) == 0);

    // Entries a document gives without a UUID, or with one UUID twice, are
    // each given their own, so every handle names one entry.
    REQUIRE_PRL_OK(PrlDispCfg_FromString(prefs,
                                         "<CommonPreferences><NetworkPreferences>"
                                         "<NetworkAdapter><Name>one</Name></NetworkAdapter>"
                                         "<NetworkAdapter><Uuid>{x}</Uuid><Name>two</Name></NetworkAdapter>"
                                         "<NetworkAdapter><Uuid>{x}</Uuid><Name>three</Name></NetworkAdapter>"
                                         "</NetworkPreferences></CommonPreferences>"));
    REQUIRE(count_of(prefs) == 3);
    Handle one, two, three;
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, 0, one.out()));
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, 1, two.out()));
    REQUIRE_PRL_OK(PrlDispCfg_GetDispNet(prefs, 2, three.out()));
    CHECK(name_of(one) == "one");
    CHECK(name_of(two) == "two");
    CHECK(name_of(three) == "three");
    CHECK(!uuid_of(one).empty());
    CHECK(uuid_of(two) == "{x}");
    CHECK(uuid_of(three) != "{x}");
    // Elements a document leaves out read as the product's defaults.
    PRL_BOOL hidden = PRL_FALSE;
    REQUIRE_PRL_OK(PrlDispNet_IsHidden(one, &hidden));
    CHECK(hidden == PRL_TRUE);
    CHECK(capi::get_string([&](PRL_STR b2, PRL_UINT32_PTR l) { return PrlDispNet_GetDhcp6ScopeMask(one, b2, l); }) ==
          "ffff:ffff:ffff:ffff::");
}
