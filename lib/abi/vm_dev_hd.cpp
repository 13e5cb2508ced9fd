// PrlVmDevHd_* partitions and encryption, PrlVmDevHdPart_*,
// PrlVmDevHdEncryption_*. A hard disk that passes real partitions to the
// guest lists them as Partition elements (SystemName) of its Hdd element;
// its encryption is the Hdd's Encryption element (KeyId).
#include "tree_object.h"

#include "core/vm_device.h"

using namespace prl;
using namespace prl::abi;

namespace {

using Encryption = TreeObject<PHT_VIRTUAL_DISK_ENCRYPTION>;
constexpr std::size_t kMaxPartitions = 256;

Handle<VmDevice> hard_disk(PRL_HANDLE h) {
    auto dev = handle_cast<VmDevice>(h);
    require(dev->kind() == DeviceKind::hard_disk, PRL_ERR_INVALID_ARG, "not a hard disk");
    return dev;
}

// f(Hdd element) under the VM's lock.
template <class F>
auto with_hdd(const VmDevice& dev, F&& f) {
    return dev.with_disk([&](service::HardDisk& d, service::VmConfig&) {
        if (d.extra.name.empty()) {
            d.extra.name = "Hdd";
            d.extra.set_attribute("id", std::to_string(d.index));
        }
        return f(d.extra);
    });
}

// A partition handle names its partition as the SDK does: by its place in
// the list and its system name, found again by name when the list moved.
class Partition : public Object {
public:
    Partition(std::shared_ptr<VmDevice> disk, std::size_t position, std::string name)
        : Object(PHT_VIRTUAL_DEV_HD_PARTITION), disk_(std::move(disk)), position_(position), name_(std::move(name)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_VIRTUAL_DEV_HD_PARTITION; }

    // f(Hdd element, position of this partition among its Partition children).
    template <class F>
    auto with(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return with_hdd(*disk_, [&](service::XmlTree& hdd) {
            auto parts = hdd.all("Partition");
            std::optional<std::size_t> at;
            auto name_of = [&](std::size_t i) { return parts[i]->text_at("SystemName").value_or(""); };
            if (position_ < parts.size() && name_of(position_) == name_) at = position_;
            for (std::size_t i = 0; !at && i < parts.size(); ++i)
                if (name_of(i) == name_) at = i;
            require(at.has_value(), PRL_ERR_OBJECT_WAS_REMOVED, "the partition was removed");
            position_ = *at;
            return f(hdd, *parts[*at], name_);
        });
    }

private:
    std::mutex mutex_;
    const std::shared_ptr<VmDevice> disk_;
    std::size_t position_;
    std::string name_;
};

}  // namespace

extern "C" {

PRL_RESULT PrlVmDevHd_AddPartition(PRL_HANDLE hVmDev, PRL_HANDLE_PTR phPartition) {
    return sync([&] {
        auto dev = hard_disk(hVmDev);
        out_ptr(phPartition);
        const std::size_t position = with_hdd(*dev, [](service::XmlTree& hdd) {
            const std::size_t n = hdd.all("Partition").size();
            require(n < kMaxPartitions, PRL_ERR_INVALID_ARG, "too many partitions");
            hdd.add_child("Partition").set_text_at("SystemName", "");
            return n;
        });
        give(std::make_shared<Partition>(dev.share(), position, ""), phPartition);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHd_GetPartitionsCount(PRL_HANDLE hVmDev, PRL_UINT32_PTR pnPartitionsCount) {
    return sync([&] {
        auto dev = hard_disk(hVmDev);
        out_ptr(pnPartitionsCount);
        *pnPartitionsCount = with_hdd(*dev, [](service::XmlTree& hdd) {
            return static_cast<PRL_UINT32>(hdd.all("Partition").size());
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHd_GetPartition(PRL_HANDLE hVmDev, PRL_UINT32 nIndex, PRL_HANDLE_PTR phPartition) {
    return sync([&] {
        auto dev = hard_disk(hVmDev);
        out_ptr(phPartition);
        const std::string name = with_hdd(*dev, [&](service::XmlTree& hdd) {
            const auto parts = hdd.all("Partition");
            require(nIndex < parts.size(), PRL_ERR_INVALID_ARG, "no partition at that position");
            return parts[nIndex]->text_at("SystemName").value_or("");
        });
        give(std::make_shared<Partition>(dev.share(), nIndex, name), phPartition);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHdPart_Remove(PRL_HANDLE hPartition) {
    return sync([&] {
        auto part = handle_cast<Partition>(hPartition);
        part->with([](service::XmlTree& hdd, service::XmlTree& p, std::string&) {
            hdd.children.erase(hdd.children.begin() + (&p - hdd.children.data()));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHdPart_GetSysName(PRL_HANDLE hPartition, PRL_STR sSysName, PRL_UINT32_PTR pnSysNameBufLength) {
    return sync([&] {
        auto part = handle_cast<Partition>(hPartition);
        out_ptr(pnSysNameBufLength);
        return copy_out(part->with([](service::XmlTree&, service::XmlTree& p, std::string&) {
                            return p.text_at("SystemName").value_or("");
                        }),
                        sSysName, pnSysNameBufLength);
    });
}

PRL_RESULT PrlVmDevHdPart_SetSysName(PRL_HANDLE hPartition, PRL_CONST_STR sSysName) {
    return sync([&] {
        auto part = handle_cast<Partition>(hPartition);
        const std::string name = line_arg(sSysName);
        part->with([&](service::XmlTree&, service::XmlTree& p, std::string& remembered) {
            p.set_text_at("SystemName", name);
            remembered = name;
        });
        return PRL_ERR_SUCCESS;
    });
}

// A copy of the disk's encryption (empty when it has none); edits reach the
// disk through PrlVmDevHd_SetEncryption.
PRL_RESULT PrlVmDevHd_GetEncryption(PRL_HANDLE hVmDev, PRL_HANDLE_PTR phEncryption) {
    return sync([&] {
        auto dev = hard_disk(hVmDev);
        out_ptr(phEncryption);
        service::XmlTree enc = with_hdd(*dev, [](service::XmlTree& hdd) {
            const service::XmlTree* e = hdd.find("Encryption");
            return e ? *e : service::XmlTree{};
        });
        give(std::make_shared<Encryption>("Encryption", std::move(enc)), phEncryption);
        return PRL_ERR_SUCCESS;
    });
}

// An encryption without a key id decrypts: the element goes.
PRL_RESULT PrlVmDevHd_SetEncryption(PRL_HANDLE hVmDev, PRL_HANDLE hEncryption) {
    return sync([&] {
        auto dev = hard_disk(hVmDev);
        service::XmlTree enc = handle_cast<Encryption>(hEncryption)->copy();
        const bool keyed = !enc.text_at("KeyId").value_or("").empty();
        with_hdd(*dev, [&](service::XmlTree& hdd) {
            if (!keyed) {
                hdd.erase("Encryption");
                return;
            }
            hdd.ensure("Encryption") = std::move(enc);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevHdEncryption_GetKeyId(PRL_HANDLE hEncryption, PRL_STR sKeyId, PRL_UINT32_PTR pnKeyIdBufLength) {
    return sync([&] { return tree_get_text<Encryption>(hEncryption, "KeyId", sKeyId, pnKeyIdBufLength); });
}

PRL_RESULT PrlVmDevHdEncryption_SetKeyId(PRL_HANDLE hEncryption, PRL_CONST_STR sKeyId) {
    return sync([&] {
        handle_cast<Encryption>(hEncryption);
        tree_set_text<Encryption>(hEncryption, "KeyId", line_arg(sKeyId));
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
