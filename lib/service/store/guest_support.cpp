#include "guest_support.h"

#include <string>

namespace prl::service {
namespace {

// PVS_GUEST_TYPE_* (the high byte of a version) and the versions the rules name.
constexpr unsigned kMacos = 7, kWindows = 8, kLinux = 9, kFreebsd = 10, kOs2 = 11;
constexpr unsigned kWinVista = 2057, kWinLast = 2067;        // PVS_GUEST_VER_WIN_VISTA, _WIN_LAST
constexpr unsigned kLinKernel24 = 2308, kLinRhles3 = 2316;   // PVS_GUEST_VER_LIN_KRNL_24, _LIN_RHLES3
constexpr unsigned kLinDebian = 2310;                        // PVS_GUEST_VER_LIN_DEBIAN
constexpr unsigned kMacosSnowLeopard = 1795;                 // PVS_GUEST_VER_MACOS_SNOW_LEOPARD
constexpr int kSata = 2, kScsi = 1;                          // PMS_SATA_DEVICE, PMS_SCSI_DEVICE
constexpr int kLsiSpi = 1, kLsiSas = 2, kVirtioScsi = 3;     // PCD_*
constexpr int kE1000 = 2, kVirtio = 3;                       // PNT_E1000, PNT_VIRTIO

unsigned type_of(unsigned v) { return v >> 8; }

}  // namespace

bool guest_supports_virtio(unsigned v) noexcept {
    return (type_of(v) == kWindows && v >= kWinVista) ||
           (type_of(v) == kLinux && v != kLinKernel24 && v != kLinRhles3) || type_of(v) == kFreebsd;
}

bool guest_supports_e1000(unsigned v) noexcept {
    const unsigned t = type_of(v);
    return (t == kWindows && v >= kWinVista) || (t == kLinux && v != kLinKernel24) ||
           (t == kMacos && v >= kMacosSnowLeopard) || (t != kWindows && t != kLinux && t != kMacos && t != kOs2);
}

int preferred_storage_interface(unsigned v, bool optical) noexcept {
    if (!guest_supports_virtio(v)) return kSata;
    if (optical && (type_of(v) == kWindows || v == kLinDebian)) return kSata;
    return kScsi;
}

int scsi_subtype(unsigned v) noexcept {
    if (guest_supports_virtio(v)) return kVirtioScsi;
    if (v >= kWinVista && v <= kWinLast) return kLsiSas;
    if (type_of(v) == kLinux) return kLsiSpi;
    return 0;
}

void set_default_scsi_subtype(XmlTree& device, int bus, unsigned v) {
    if (bus == kScsi && scsi_subtype(v) != 0) device.set_text_at("SubType", std::to_string(scsi_subtype(v)));
}

int default_net_adapter_type(unsigned v) noexcept {
    if (v == 0 || guest_supports_virtio(v)) return kVirtio;
    if (guest_supports_e1000(v)) return kE1000;
    return 0;
}

}  // namespace prl::service
