// What a guest OS version supports, as the product's SDK decides the devices
// of a default configuration (facts from the public SDK sources): which
// storage bus a new hard disk or CD-ROM goes on, its SCSI controller, and the
// network adapter model. Versions are PVS_GUEST_VER_* values, whose high byte
// is the PVS_GUEST_TYPE_*.
#pragma once
#include "xml_tree.h"

namespace prl::service {

bool guest_supports_virtio(unsigned os_version) noexcept;
bool guest_supports_e1000(unsigned os_version) noexcept;

// PMS_SCSI_DEVICE for a guest with virtio (a Windows or Debian guest's CD-ROM
// excepted: their installers want it elsewhere), else PMS_SATA_DEVICE: the
// bus tried first for a new disk.
int preferred_storage_interface(unsigned os_version, bool optical) noexcept;

// The PCD_* controller a SCSI disk or CD-ROM of this guest gets: virtio-scsi
// where supported, else LSI SAS (Windows Vista and later) or LSI SPI
// (Linux); 0 (none set) otherwise.
int scsi_subtype(unsigned os_version) noexcept;

// Sets a new disk's or CD-ROM's <SubType> to scsi_subtype() when `bus` is
// PMS_SCSI_DEVICE and the guest has one.
void set_default_scsi_subtype(XmlTree& device, int bus, unsigned os_version);

// The PNT_* model of a new network adapter: virtio (also for an unknown
// version 0), else e1000 where supported; 0 (the model's own default) otherwise.
int default_net_adapter_type(unsigned os_version) noexcept;

}  // namespace prl::service
