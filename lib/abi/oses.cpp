// The guest OS matrix: which guest OS types and versions the product offers,
// their default versions, support level and recommended memory
// (PrlApi_GetSupportedOses*, PrlApi_GetDefaultOsVersion,
// PrlApi_GetRecommendMinVmMem, PrlApi_GuestToString), and the server's copy
// of the matrix (PrlSrv_GetSupportedOses, PrlOsesMatrix_*, PHT_GUEST_OSES_MATRIX).
// The lists and values are the product's (libprlcommon's guest OS helper):
// the server's matrix is what a dispatcher sends at login, built for its own
// host in server mode.
#include "boundary.h"
#include "copy_out.h"

#include "core/api_state.h"
#include "core/lists.h"
#include "core/server.h"

#include <cstdint>
#include <vector>

using namespace prl;
using namespace prl::abi;

namespace {

// ---- facts ----

struct GuestName {
    unsigned id;
    const char* name;
};

// PVS_GUEST_TO_STRING: the names of the OS types and versions, as the product
// spells them; an id it does not list is "unknown".
const GuestName kGuestNames[] = {
    {PVS_GUEST_TYPE_MACOS, PVS_GUEST_TYPE_NAME_MACOS},
    {PVS_GUEST_TYPE_WINDOWS, PVS_GUEST_TYPE_NAME_WINDOWS},
    {PVS_GUEST_TYPE_LINUX, PVS_GUEST_TYPE_NAME_LINUX},
    {PVS_GUEST_TYPE_FREEBSD, PVS_GUEST_TYPE_NAME_FREEBSD},
    {PVS_GUEST_TYPE_CHROMEOS, PVS_GUEST_TYPE_NAME_CHROMEOS},
    {PVS_GUEST_TYPE_ANDROID, PVS_GUEST_TYPE_NAME_ANDROID},
    {PVS_GUEST_TYPE_OS2, PVS_GUEST_TYPE_NAME_OS2},
    {PVS_GUEST_TYPE_MSDOS, PVS_GUEST_TYPE_NAME_MSDOS},
    {PVS_GUEST_TYPE_NETWARE, PVS_GUEST_TYPE_NAME_NETWARE},
    {PVS_GUEST_TYPE_SOLARIS, PVS_GUEST_TYPE_NAME_SOLARIS},
    {PVS_GUEST_TYPE_OTHER, PVS_GUEST_TYPE_NAME_OTHER},
    {PVS_GUEST_VER_MACOS_TIGER, PVS_GUEST_VER_NAME_MACOS_TIGER},
    {PVS_GUEST_VER_MACOS_LEOPARD, PVS_GUEST_VER_NAME_MACOS_LEOPARD},
    {PVS_GUEST_VER_MACOS_SNOW_LEOPARD, PVS_GUEST_VER_NAME_MACOS_SNOW_LEOPARD},
    {PVS_GUEST_VER_WIN_311, PVS_GUEST_VER_NAME_WIN_311},
    {PVS_GUEST_VER_WIN_95, PVS_GUEST_VER_NAME_WIN_95},
    {PVS_GUEST_VER_WIN_98, PVS_GUEST_VER_NAME_WIN_98},
    {PVS_GUEST_VER_WIN_ME, PVS_GUEST_VER_NAME_WIN_ME},
    {PVS_GUEST_VER_WIN_NT, PVS_GUEST_VER_NAME_WIN_NT},
    {PVS_GUEST_VER_WIN_2K, PVS_GUEST_VER_NAME_WIN_2K},
    {PVS_GUEST_VER_WIN_XP, PVS_GUEST_VER_NAME_WIN_XP},
    {PVS_GUEST_VER_WIN_2003, PVS_GUEST_VER_NAME_WIN_2003},
    {PVS_GUEST_VER_WIN_VISTA, PVS_GUEST_VER_NAME_WIN_VISTA},
    {PVS_GUEST_VER_WIN_2008, PVS_GUEST_VER_NAME_WIN_2008},
    {PVS_GUEST_VER_WIN_WINDOWS7, PVS_GUEST_VER_NAME_WIN_WINDOWS7},
    {PVS_GUEST_VER_WIN_WINDOWS8, PVS_GUEST_VER_NAME_WIN_WINDOWS8},
    {PVS_GUEST_VER_WIN_2012, PVS_GUEST_VER_NAME_WIN_2012},
    {PVS_GUEST_VER_WIN_WINDOWS8_1, PVS_GUEST_VER_NAME_WIN_WINDOWS8_1},
    {PVS_GUEST_VER_WIN_2016, PVS_GUEST_VER_NAME_WIN_2016},
    {PVS_GUEST_VER_WIN_2019, PVS_GUEST_VER_NAME_WIN_2019},
    {PVS_GUEST_VER_WIN_2022, PVS_GUEST_VER_NAME_WIN_2022},
    {PVS_GUEST_VER_WIN_WINDOWS11, PVS_GUEST_VER_NAME_WIN_WINDOWS11},
    {PVS_GUEST_VER_WIN_OTHER, PVS_GUEST_VER_NAME_WIN_OTHER},
    {PVS_GUEST_VER_LIN_REDHAT, PVS_GUEST_VER_NAME_LIN_REDHAT_OLD},
    {PVS_GUEST_VER_LIN_REDHAT_7, PVS_GUEST_VER_NAME_LIN_REDHAT},
    {PVS_GUEST_VER_LIN_REDHAT_8, PVS_GUEST_VER_NAME_LIN_REDHAT},
    {PVS_GUEST_VER_LIN_REDHAT_9, PVS_GUEST_VER_NAME_LIN_REDHAT},
    {PVS_GUEST_VER_LIN_SUSE, PVS_GUEST_VER_NAME_LIN_SUSE},
    {PVS_GUEST_VER_LIN_MANDRAKE, PVS_GUEST_VER_NAME_LIN_MANDRAKE},
    {PVS_GUEST_VER_LIN_KRNL_24, PVS_GUEST_VER_NAME_LIN_KRNL_24},
    {PVS_GUEST_VER_LIN_KRNL_26, PVS_GUEST_VER_NAME_LIN_KRNL_26},
    {PVS_GUEST_VER_LIN_DEBIAN, PVS_GUEST_VER_NAME_LIN_DEBIAN},
    {PVS_GUEST_VER_LIN_FEDORA, PVS_GUEST_VER_NAME_LIN_FEDORA},
    {PVS_GUEST_VER_LIN_FEDORA_5, PVS_GUEST_VER_NAME_LIN_FEDORA_5},
    {PVS_GUEST_VER_LIN_XANDROS, PVS_GUEST_VER_NAME_LIN_XANDROS},
    {PVS_GUEST_VER_LIN_UBUNTU, PVS_GUEST_VER_NAME_LIN_UBUNTU},
    {PVS_GUEST_VER_LIN_SLES9, PVS_GUEST_VER_NAME_LIN_SLES9},
    {PVS_GUEST_VER_LIN_RHLES3, PVS_GUEST_VER_NAME_LIN_RHLES3},
    {PVS_GUEST_VER_LIN_CENTOS, PVS_GUEST_VER_NAME_LIN_CENTOS_OLD},
    {PVS_GUEST_VER_LIN_CENTOS_7, PVS_GUEST_VER_NAME_LIN_CENTOS},
    {PVS_GUEST_VER_LIN_CENTOS_8, PVS_GUEST_VER_NAME_LIN_CENTOS},
    {PVS_GUEST_VER_LIN_VZLINUX, PVS_GUEST_VER_NAME_LIN_VZLINUX_OLD},
    {PVS_GUEST_VER_LIN_VZLINUX_7, PVS_GUEST_VER_NAME_LIN_VZLINUX},
    {PVS_GUEST_VER_LIN_VZLINUX_8, PVS_GUEST_VER_NAME_LIN_VZLINUX},
    {PVS_GUEST_VER_LIN_CLOUDLINUX, PVS_GUEST_VER_NAME_LIN_CLOUDLINUX_OLD},
    {PVS_GUEST_VER_LIN_CLOUDLINUX_7, PVS_GUEST_VER_NAME_LIN_CLOUDLINUX},
    {PVS_GUEST_VER_LIN_CLOUDLINUX_8, PVS_GUEST_VER_NAME_LIN_CLOUDLINUX},
    {PVS_GUEST_VER_LIN_ALMA_LINUX_9, PVS_GUEST_VER_NAME_LIN_ALMA_LINUX},
    {PVS_GUEST_VER_LIN_RH_LEGACY, PVS_GUEST_VER_NAME_LIN_RH_LEGACY},
    {PVS_GUEST_VER_LIN_OPENSUSE, PVS_GUEST_VER_NAME_LIN_OPENSUSE},
    {PVS_GUEST_VER_LIN_PSBM, PVS_GUEST_VER_NAME_LIN_PSBM},
    {PVS_GUEST_VER_LIN_MAGEIA, PVS_GUEST_VER_NAME_LIN_MAGEIA},
    {PVS_GUEST_VER_LIN_MINT, PVS_GUEST_VER_NAME_LIN_MINT},
    {PVS_GUEST_VER_LIN_OTHER, PVS_GUEST_VER_NAME_LIN_OTHER},
    {PVS_GUEST_VER_BSD_4X, PVS_GUEST_VER_NAME_BSD_4X},
    {PVS_GUEST_VER_BSD_5X, PVS_GUEST_VER_NAME_BSD_5X},
    {PVS_GUEST_VER_BSD_6X, PVS_GUEST_VER_NAME_BSD_6X},
    {PVS_GUEST_VER_BSD_7X, PVS_GUEST_VER_NAME_BSD_7X},
    {PVS_GUEST_VER_BSD_8X, PVS_GUEST_VER_NAME_BSD_8X},
    {PVS_GUEST_VER_BSD_OTHER, PVS_GUEST_VER_NAME_BSD_OTHER},
    {PVS_GUEST_VER_OS2_WARP3, PVS_GUEST_VER_NAME_OS2_WARP3},
    {PVS_GUEST_VER_OS2_WARP4, PVS_GUEST_VER_NAME_OS2_WARP4},
    {PVS_GUEST_VER_OS2_WARP45, PVS_GUEST_VER_NAME_OS2_WARP45},
    {PVS_GUEST_VER_OS2_ECS11, PVS_GUEST_VER_NAME_OS2_ECS11},
    {PVS_GUEST_VER_OS2_ECS12, PVS_GUEST_VER_NAME_OS2_ECS12},
    {PVS_GUEST_VER_OS2_OTHER, PVS_GUEST_VER_NAME_OS2_OTHER},
    {PVS_GUEST_VER_DOS_MS622, PVS_GUEST_VER_NAME_DOS_MS622},
    {PVS_GUEST_VER_DOS_OTHER, PVS_GUEST_VER_NAME_DOS_OTHER},
    {PVS_GUEST_VER_NET_4X, PVS_GUEST_VER_NAME_NET_4X},
    {PVS_GUEST_VER_NET_5X, PVS_GUEST_VER_NAME_NET_5X},
    {PVS_GUEST_VER_NET_6X, PVS_GUEST_VER_NAME_NET_6X},
    {PVS_GUEST_VER_NET_OTHER, PVS_GUEST_VER_NAME_NET_OTHER},
    {PVS_GUEST_VER_SOL_9, PVS_GUEST_VER_NAME_SOL_9},
    {PVS_GUEST_VER_SOL_10, PVS_GUEST_VER_NAME_SOL_10},
    {PVS_GUEST_VER_SOL_11, PVS_GUEST_VER_NAME_SOL_11},
    {PVS_GUEST_VER_SOL_OTHER, PVS_GUEST_VER_NAME_SOL_OTHER},
    {PVS_GUEST_VER_CHROMEOS_1x, PVS_GUEST_VER_NAME_CHROMEOS_1x},
    {PVS_GUEST_VER_CHROMEOS_OTHER, PVS_GUEST_VER_NAME_CHROMEOS_OTHER},
    {PVS_GUEST_VER_OTH_QNX, PVS_GUEST_VER_NAME_OTH_QNX},
    {PVS_GUEST_VER_OTH_OPENSTEP, PVS_GUEST_VER_NAME_OTH_OPENSTEP},
    {PVS_GUEST_VER_OTH_OTHER, PVS_GUEST_VER_NAME_OTH_OTHER},
};

const char* guest_to_string(unsigned id) {
    for (const GuestName& g : kGuestNames)
        if (g.id == id) return g.name;
    return "unknown";
}

// The host OS the lists are for: PHO_UNKNOWN means this host (Linux).
PRL_HOST_OS_TYPE host_os(long long passed) {
    return passed == PHO_UNKNOWN ? PHO_LIN : static_cast<PRL_HOST_OS_TYPE>(passed);
}

// The guest OS types offered, in the product's order.
std::vector<std::uint8_t> supported_types() {
    return {PVS_GUEST_TYPE_WINDOWS, PVS_GUEST_TYPE_LINUX,   PVS_GUEST_TYPE_FREEBSD,
            PVS_GUEST_TYPE_CHROMEOS, PVS_GUEST_TYPE_OS2,    PVS_GUEST_TYPE_MSDOS,
            PVS_GUEST_TYPE_NETWARE, PVS_GUEST_TYPE_SOLARIS, PVS_GUEST_TYPE_OTHER};
}

std::vector<std::uint16_t> supported_versions(PRL_HOST_OS_TYPE host, unsigned type) {
    switch (type) {
        case PVS_GUEST_TYPE_MACOS:
            if (host == PHO_MAC) return {PVS_GUEST_VER_MACOS_UNIVERSAL};
            return {};
        case PVS_GUEST_TYPE_WINDOWS:
            return {PVS_GUEST_VER_WIN_2K,        PVS_GUEST_VER_WIN_XP,        PVS_GUEST_VER_WIN_2003,
                    PVS_GUEST_VER_WIN_VISTA,     PVS_GUEST_VER_WIN_2008,      PVS_GUEST_VER_WIN_WINDOWS7,
                    PVS_GUEST_VER_WIN_WINDOWS8,  PVS_GUEST_VER_WIN_2012,      PVS_GUEST_VER_WIN_WINDOWS8_1,
                    PVS_GUEST_VER_WIN_WINDOWS10, PVS_GUEST_VER_WIN_WINDOWS11, PVS_GUEST_VER_WIN_2016,
                    PVS_GUEST_VER_WIN_2019,      PVS_GUEST_VER_WIN_2022,      PVS_GUEST_VER_WIN_OTHER};
        case PVS_GUEST_TYPE_CHROMEOS: return {PVS_GUEST_VER_CHROMEOS_OTHER};
        case PVS_GUEST_TYPE_ANDROID: return {PVS_GUEST_VER_ANDROID_OTHER};
        case PVS_GUEST_TYPE_LINUX:
            return {PVS_GUEST_VER_LIN_UBUNTU,       PVS_GUEST_VER_LIN_FEDORA,       PVS_GUEST_VER_LIN_REDHAT,
                    PVS_GUEST_VER_LIN_REDHAT_7,     PVS_GUEST_VER_LIN_REDHAT_8,     PVS_GUEST_VER_LIN_REDHAT_9,
                    PVS_GUEST_VER_LIN_SUSE,         PVS_GUEST_VER_LIN_SLES11,       PVS_GUEST_VER_LIN_SLES12,
                    PVS_GUEST_VER_LIN_DEBIAN,       PVS_GUEST_VER_LIN_CENTOS,       PVS_GUEST_VER_LIN_CENTOS_7,
                    PVS_GUEST_VER_LIN_CENTOS_8,     PVS_GUEST_VER_LIN_VZLINUX,      PVS_GUEST_VER_LIN_VZLINUX_7,
                    PVS_GUEST_VER_LIN_VZLINUX_8,    PVS_GUEST_VER_LIN_CLOUDLINUX,   PVS_GUEST_VER_LIN_CLOUDLINUX_7,
                    PVS_GUEST_VER_LIN_CLOUDLINUX_8, PVS_GUEST_VER_LIN_ALMA_LINUX_9, PVS_GUEST_VER_LIN_PSBM,
                    PVS_GUEST_VER_LIN_OPENSUSE,     PVS_GUEST_VER_LIN_RH_LEGACY,    PVS_GUEST_VER_LIN_MANDRAKE,
                    PVS_GUEST_VER_LIN_XANDROS,      PVS_GUEST_VER_LIN_MAGEIA,       PVS_GUEST_VER_LIN_MINT,
                    PVS_GUEST_VER_LIN_KRNL_24,      PVS_GUEST_VER_LIN_KRNL_26,      PVS_GUEST_VER_LIN_OTHER};
        case PVS_GUEST_TYPE_FREEBSD: return {PVS_GUEST_VER_BSD_OTHER};
        case PVS_GUEST_TYPE_MSDOS: return {PVS_GUEST_VER_DOS_OTHER};
        case PVS_GUEST_TYPE_NETWARE: return {PVS_GUEST_VER_NET_OTHER};
        case PVS_GUEST_TYPE_SOLARIS: return {PVS_GUEST_VER_SOL_OTHER};
        default: return {};
    }
}

// The default version of a type; Windows and Linux depend on the application
// mode (a server defaults to the server editions).
std::uint16_t default_version(unsigned type, bool server) {
    switch (type) {
        case PVS_GUEST_TYPE_MACOS: return PVS_GUEST_VER_MACOS_SNOW_LEOPARD;
        case PVS_GUEST_TYPE_WINDOWS: return server ? PVS_GUEST_VER_WIN_2012 : PVS_GUEST_VER_WIN_WINDOWS7;
        case PVS_GUEST_TYPE_CHROMEOS: return PVS_GUEST_VER_CHROMEOS_1x;
        case PVS_GUEST_TYPE_ANDROID: return PVS_GUEST_VER_ANDROID_4_0;
        case PVS_GUEST_TYPE_LINUX: return server ? PVS_GUEST_VER_LIN_REDHAT : PVS_GUEST_VER_LIN_UBUNTU;
        case PVS_GUEST_TYPE_FREEBSD: return PVS_GUEST_VER_BSD_7X;
        case PVS_GUEST_TYPE_OS2: return PVS_GUEST_VER_OS2_WARP45;
        case PVS_GUEST_TYPE_NETWARE: return PVS_GUEST_VER_NET_5X;
        case PVS_GUEST_TYPE_SOLARIS: return PVS_GUEST_VER_SOL_10;
        case PVS_GUEST_TYPE_MSDOS: return PVS_GUEST_VER_DOS_MS622;
        case PVS_GUEST_TYPE_OTHER: return PVS_GUEST_VER_OTH_OPENSTEP;
        default: return 0;
    }
}

PRL_GUEST_OS_SUPPORT_TYPE support_type(unsigned version) {
    switch (version) {
        case PVS_GUEST_VER_WIN_2008:
        case PVS_GUEST_VER_WIN_2012:
        case PVS_GUEST_VER_WIN_2016:
        case PVS_GUEST_VER_WIN_2019:
        case PVS_GUEST_VER_WIN_2022:
        case PVS_GUEST_VER_LIN_CENTOS:
        case PVS_GUEST_VER_LIN_CENTOS_7:
        case PVS_GUEST_VER_LIN_CENTOS_8:
        case PVS_GUEST_VER_LIN_VZLINUX:
        case PVS_GUEST_VER_LIN_VZLINUX_7:
        case PVS_GUEST_VER_LIN_VZLINUX_8:
        case PVS_GUEST_VER_LIN_CLOUDLINUX:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_7:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_8:
        case PVS_GUEST_VER_LIN_DEBIAN:
        case PVS_GUEST_VER_LIN_UBUNTU:
        case PVS_GUEST_VER_BSD_OTHER: return PGS_OS_SUPPORTED;
        default: return PGS_OS_EXPERIMENTAL;
    }
}

// A guest OS type the product knows (Chrome OS and Android count as Linux).
bool known_type(unsigned type) {
    switch (type) {
        case PVS_GUEST_TYPE_MACOS:
        case PVS_GUEST_TYPE_WINDOWS:
        case PVS_GUEST_TYPE_LINUX:
        case PVS_GUEST_TYPE_CHROMEOS:
        case PVS_GUEST_TYPE_ANDROID:
        case PVS_GUEST_TYPE_FREEBSD:
        case PVS_GUEST_TYPE_OS2:
        case PVS_GUEST_TYPE_MSDOS:
        case PVS_GUEST_TYPE_NETWARE:
        case PVS_GUEST_TYPE_SOLARIS:
        case PVS_GUEST_TYPE_OTHER: return true;
        default: return false;
    }
}

// The smallest memory, MiB, the product recommends for a guest OS version.
unsigned min_recommended_mem(unsigned version) {
    switch (version) {
        case PVS_GUEST_VER_WIN_311:
        case PVS_GUEST_VER_WIN_OTHER:
        case PVS_GUEST_VER_DOS_MS622:
        case PVS_GUEST_VER_DOS_OTHER:
        case PVS_GUEST_VER_OS2_WARP3:
        case PVS_GUEST_VER_OS2_OTHER: return 64;
        case PVS_GUEST_VER_WIN_95:
        case PVS_GUEST_VER_WIN_98:
        case PVS_GUEST_VER_WIN_ME:
        case PVS_GUEST_VER_WIN_NT:
        case PVS_GUEST_VER_WIN_2K:
        case PVS_GUEST_VER_LIN_REDHAT:
        case PVS_GUEST_VER_LIN_SUSE:
        case PVS_GUEST_VER_LIN_MANDRAKE:
        case PVS_GUEST_VER_LIN_KRNL_24:
        case PVS_GUEST_VER_LIN_KRNL_26:
        case PVS_GUEST_VER_LIN_DEBIAN:
        case PVS_GUEST_VER_LIN_FEDORA:
        case PVS_GUEST_VER_LIN_FEDORA_5:
        case PVS_GUEST_VER_LIN_XANDROS:
        case PVS_GUEST_VER_LIN_UBUNTU:
        case PVS_GUEST_VER_LIN_SLES9:
        case PVS_GUEST_VER_LIN_RHLES3:
        case PVS_GUEST_VER_LIN_CENTOS:
        case PVS_GUEST_VER_LIN_PSBM:
        case PVS_GUEST_VER_LIN_RH_LEGACY:
        case PVS_GUEST_VER_LIN_OPENSUSE:
        case PVS_GUEST_VER_LIN_MAGEIA:
        case PVS_GUEST_VER_LIN_MINT:
        case PVS_GUEST_VER_LIN_OTHER:
        case PVS_GUEST_VER_OS2_WARP4:
        case PVS_GUEST_VER_OS2_WARP45:
        case PVS_GUEST_VER_OS2_ECS11:
        case PVS_GUEST_VER_OS2_ECS12:
        case PVS_GUEST_VER_CHROMEOS_1x:
        case PVS_GUEST_VER_ANDROID_4_0:
        case PVS_GUEST_VER_OTH_OPENSTEP:
        case PVS_GUEST_VER_OTH_OTHER: return 128;
        case PVS_GUEST_VER_NET_5X:
        case PVS_GUEST_VER_NET_6X:
        case PVS_GUEST_VER_WIN_VISTA:
        case PVS_GUEST_VER_WIN_WINDOWS7:
        case PVS_GUEST_VER_WIN_WINDOWS8:
        case PVS_GUEST_VER_WIN_WINDOWS8_1:
        case PVS_GUEST_VER_WIN_2012:
        case PVS_GUEST_VER_MACOS_TIGER:
        case PVS_GUEST_VER_MACOS_LEOPARD:
        case PVS_GUEST_VER_MACOS_SNOW_LEOPARD:
        case PVS_GUEST_VER_SOL_10:
        case PVS_GUEST_VER_SOL_9:
        case PVS_GUEST_VER_SOL_OTHER:
        case PVS_GUEST_VER_SOL_11:
        case PVS_GUEST_VER_LIN_REDHAT_7:
        case PVS_GUEST_VER_LIN_CENTOS_7:
        case PVS_GUEST_VER_LIN_REDHAT_8:
        case PVS_GUEST_VER_LIN_REDHAT_9:
        case PVS_GUEST_VER_LIN_CENTOS_8:
        case PVS_GUEST_VER_LIN_VZLINUX_7:
        case PVS_GUEST_VER_LIN_VZLINUX_8:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_7:
        case PVS_GUEST_VER_LIN_CLOUDLINUX_8:
        case PVS_GUEST_VER_LIN_ALMA_LINUX_9:
        case PVS_GUEST_VER_BSD_OTHER: return 512;
        default: return 256;  // NetWare 4, Windows 2008, FreeBSD 6/7 and everything else
    }
}

// ---- objects ----

struct TypeEntry {
    std::uint8_t type;
    std::vector<std::uint16_t> versions;
    std::uint16_t default_version;
};

// PHT_GUEST_OSES_MATRIX: the server's matrix, as sent at login.
class OsesMatrix : public Object {
public:
    OsesMatrix() : Object(PHT_GUEST_OSES_MATRIX) {
        for (std::uint8_t t : supported_types())
            entries_.push_back({t, supported_versions(PHO_LIN, t), default_version(t, true)});
    }
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_GUEST_OSES_MATRIX; }
    const std::vector<TypeEntry>& entries() const noexcept { return entries_; }
    const TypeEntry* find(unsigned type) const {
        for (const TypeEntry& e : entries_)
            if (e.type == type) return &e;
        return nullptr;
    }

private:
    std::vector<TypeEntry> entries_;
};

template <class T>
ObjectPtr op_list(const std::vector<T>& items) {
    auto list = std::make_shared<OpTypeList>(sizeof(T));
    for (const T& v : items) list->add(&v);
    return list;
}

bool server_mode() { return ApiState::instance().app_mode() == PAM_SERVER; }

}  // namespace

extern "C" {

PRL_RESULT PrlApi_GuestToString(PRL_UINT32 nGuestId, PRL_STR sGuestString, PRL_UINT32_PTR pnGuestStringSize) {
    return sync([&] {
        out_ptr(pnGuestStringSize);
        return copy_out(guest_to_string(nGuestId), sGuestString, pnGuestStringSize);
    });
}

PRL_RESULT PrlApi_GetSupportedOsesTypes(PRL_HOST_OS_TYPE /*any: the list is the same*/, PRL_HANDLE_PTR phOsesTypesList) {
    return sync([&] {
        out_ptr(phOsesTypesList);
        give(op_list(supported_types()), phOsesTypesList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_GetSupportedOsesVersions(PRL_HOST_OS_TYPE nHostOsType, PRL_UINT8 nGuestOsType,
                                           PRL_HANDLE_PTR phGuestsList) {
    return sync([&] {
        out_ptr(phGuestsList);
        give(op_list(supported_versions(host_os(enum_in(nHostOsType)), nGuestOsType)), phGuestsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_GetDefaultOsVersion(PRL_UINT8 nGuestOsType, PRL_UINT16_PTR pnOsVersion) {
    return sync([&] {
        out_ptr(pnOsVersion);
        require(known_type(nGuestOsType), PRL_ERR_INVALID_ARG, "unknown guest OS type");
        *pnOsVersion = default_version(nGuestOsType, server_mode());
        return PRL_ERR_SUCCESS;
    });
}

// Works without PrlApi_Init, as in the SDK.
PRL_RESULT PrlApi_GetRecommendMinVmMem(PRL_UINT32 nOsVersion, PRL_UINT32_PTR pnMinMemSize) {
    return sync_anytime([&] {
        *out_ptr(pnMinMemSize) = min_recommended_mem(nOsVersion);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlSrv_GetSupportedOses(PRL_HANDLE hServer, PRL_HANDLE_PTR phOsesMatrix) {
    return sync([&] {
        auto server = handle_cast<Server>(hServer);
        out_ptr(phOsesMatrix);
        // The matrix comes with the login response: none before a login.
        require(server->connected(), PRL_ERR_NO_DATA, "not logged in: the server has sent no guest OS matrix");
        give(std::make_shared<OsesMatrix>(), phOsesMatrix);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOsesMatrix_GetSupportedOsesTypes(PRL_HANDLE hOsesMatrix, PRL_HANDLE_PTR phOsesTypesList) {
    return sync([&] {
        auto matrix = handle_cast<OsesMatrix>(hOsesMatrix);
        out_ptr(phOsesTypesList);
        std::vector<std::uint8_t> types;
        for (const TypeEntry& e : matrix->entries()) types.push_back(e.type);
        give(op_list(types), phOsesTypesList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOsesMatrix_GetSupportedOsesVersions(PRL_HANDLE hOsesMatrix, PRL_UINT8 nGuestOsType,
                                                  PRL_HANDLE_PTR phGuestsList) {
    return sync([&] {
        auto matrix = handle_cast<OsesMatrix>(hOsesMatrix);
        out_ptr(phGuestsList);
        require(known_type(nGuestOsType), PRL_ERR_INVALID_ARG, "unknown guest OS type");
        const TypeEntry* e = matrix->find(nGuestOsType);
        give(op_list(e ? e->versions : std::vector<std::uint16_t>{}), phGuestsList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOsesMatrix_GetDefaultOsVersion(PRL_HANDLE hOsesMatrix, PRL_UINT8 nGuestOsType,
                                             PRL_UINT16_PTR pnOsVersion) {
    return sync([&] {
        auto matrix = handle_cast<OsesMatrix>(hOsesMatrix);
        out_ptr(pnOsVersion);
        require(known_type(nGuestOsType), PRL_ERR_INVALID_ARG, "unknown guest OS type");
        const TypeEntry* e = matrix->find(nGuestOsType);
        *pnOsVersion = e ? e->default_version : 0;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOsesMatrix_GetSupportType(PRL_HANDLE hOsesMatrix, PRL_UINT8 nGuestOsType, PRL_UINT16 nGuestOSVersion,
                                        PRL_GUEST_OS_SUPPORT_TYPE_PTR pnGuestSupportType) {
    return sync([&] {
        handle_cast<OsesMatrix>(hOsesMatrix);
        out_ptr(pnGuestSupportType);
        // The SDK checks the version against this host's list for the type.
        require(known_type(nGuestOsType), PRL_ERR_INVALID_ARG, "unknown guest OS type");
        bool listed = false;
        for (std::uint16_t v : supported_versions(PHO_LIN, nGuestOsType)) listed = listed || v == nGuestOSVersion;
        require(listed, PRL_ERR_INVALID_ARG, "not a version of that guest OS type");
        enum_out(pnGuestSupportType, support_type(nGuestOSVersion));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
