// PrlDisk_* and PrlDiskMap_*: raw disk images read (and written) by 512-byte
// sector offset, and changes maps (docs/external-backup.md). Every image is
// taken as raw: prlshim's disks are raw sparse files.
#include "boundary.h"
#include "copy_out.h"

#include "core/disk_objects.h"
#include "core/lists.h"

#include "service/block_hashes.h"
#include "service/store/bundle_paths.h"
#include "service/store/error.h"
#include "service/store/file_ops.h"

#include <PrlDisk.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr std::uint64_t kSector = 512;

// The byte range [offset, offset + size) of a sector-addressed request, or
// `out_of_disk` when it does not lie inside the disk.
std::uint64_t byte_offset(const VirtualDisk& disk, PRL_UINT64 sector, PRL_UINT32 size, PRL_RESULT out_of_disk) {
    require(sector <= disk.size / kSector, out_of_disk, "offset beyond the end of the disk");
    const std::uint64_t offset = sector * kSector;
    require(size <= disk.size - offset, out_of_disk, "request beyond the end of the disk");
    return offset;
}

std::string caller_image_path(PRL_CONST_STR name) {
    require(name != nullptr, PRL_ERR_INVALID_ARG, "null disk name");
    const std::string text(name, ::strnlen(name, 4096));
    require(text.size() < 4096, PRL_ERR_INVALID_ARG, "disk name too long");
    return service::checked_caller_path(text, "disk image").string();
}

std::uint64_t file_size(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) fail(PRL_ERR_DISK_FILE_OPEN_ERROR, "not a regular file");
    return static_cast<std::uint64_t>(st.st_size);
}

// The full map of a disk opened on its own: every non-zero block.
service::ChangesMap full_map(const VirtualDisk& disk) {
    const std::uint32_t g = service::kExternalBackupGranularity;
    const auto hashes = service::hash_blocks(disk.path, disk.size, g);
    service::ChangesMap m;
    m.granularity = g;
    require(hashes.size() <= UINT32_MAX, PRL_ERR_INVALID_ARG, "disk too large for a changes map");
    m.bits = static_cast<std::uint32_t>(hashes.size());
    m.bytes.assign((hashes.size() + 7) / 8, '\0');
    for (std::size_t b = 0; b < hashes.size(); ++b) {
        const auto len = static_cast<std::uint32_t>(std::min<std::uint64_t>(g, disk.size - b * g));
        if (hashes[b] != service::zero_block_digest(len))
            m.bytes[b / 8] = static_cast<char>(m.bytes[b / 8] | (1 << (b % 8)));
    }
    return m;
}

// CHS geometry as the SDK reports it for an image: 16 heads, 63 sectors.
void fill_geometry(PRL_DISK_PARAMETERS& p, std::uint64_t sectors) {
    p.m_Heads = 16;
    p.m_Sectors = 63;
    const std::uint64_t cylinders = sectors / (16 * 63);
    p.m_Cylinders = cylinders > UINT32_MAX ? UINT32_MAX : static_cast<PRL_UINT32>(cylinders);
}

}  // namespace

extern "C" {

PRL_RESULT PrlDisk_CreateDisk_Local(PRL_HANDLE_PTR pHandle, PRL_CONST_STR pDiskName,
                                    PRL_CONST_DISK_PARAMETERS_PTR pParams, const PRL_DISK_CALLBACK pCallback,
                                    PRL_CONST_VOID_PTR) {
    return sync([&] {
        out_ptr(pHandle);
        require(pParams != nullptr);
        // Like the original: only synchronous creation.
        require(pCallback == nullptr, PRL_ERR_UNIMPLEMENTED, "asynchronous disk creation");
        const std::string path = caller_image_path(pDiskName);
        const PRL_UINT64 sectors = pParams->m_SizeInSectors;
        require(sectors > 0 && sectors <= (UINT64_MAX >> 9) / 2, PRL_ERR_DISK_INVALID_PARAMETERS, "bad disk size");
        struct stat st {};
        require(::lstat(path.c_str(), &st) != 0, PRL_ERR_DISK_FILE_EXISTS, "the disk image exists");
        try {
            service::create_sparse_file(path, sectors * kSector);
        } catch (const service::Error& e) {
            fail(PRL_ERR_DISK_FILE_CREATE_ERROR, e.what());
        }
        platform::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) fail(PRL_ERR_DISK_FILE_OPEN_ERROR, "cannot open the new image");
        const std::uint64_t size = file_size(fd.get());
        give(std::make_shared<VirtualDisk>(std::move(fd), size, true, path), pHandle);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_OpenDisk_Local(PRL_HANDLE_PTR pHandle, PRL_CONST_STR pDiskName, const PRL_DISK_OPEN_FLAGS OpenFlags,
                                  PRL_HANDLE hPolicyList) {
    return sync([&] {
        out_ptr(pHandle);
        const std::string path = caller_image_path(pDiskName);
        if (hPolicyList != PRL_INVALID_HANDLE) {
            auto list = handle_cast<HandlesList>(hPolicyList);
            // Open policies (an offset) are not supported; an empty list is.
            require(list->size() == 0, PRL_ERR_UNIMPLEMENTED, "disk open policies");
        }
        const bool write = (OpenFlags & PRL_DISK_WRITE) != 0;
        platform::UniqueFd fd(::open(path.c_str(), (write ? O_RDWR : O_RDONLY) | O_CLOEXEC));
        if (!fd) fail(PRL_ERR_DISK_FILE_OPEN_ERROR, "cannot open " + path + ": " + std::strerror(errno));
        const std::uint64_t size = file_size(fd.get());
        give(std::make_shared<VirtualDisk>(std::move(fd), size, write, path), pHandle);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_WaitForCompletion(const PRL_HANDLE Handle) {
    // Every disk operation here completes before it returns: nothing is pending.
    return sync([&] {
        handle_cast<VirtualDisk>(Handle);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_Free(const PRL_HANDLE Handle) {
    return sync([&] {
        handle_cast<VirtualDisk>(Handle);
        require(HandleTable::instance().release(from_handle(Handle)));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_Read(const PRL_HANDLE Handle, PRL_VOID_PTR pBlock, const PRL_UINT32 uiSize,
                        const PRL_UINT64 uiBlockOffset) {
    return sync([&] {
        auto disk = handle_cast<VirtualDisk>(Handle);
        require(pBlock != nullptr);
        const std::uint64_t offset = byte_offset(*disk, uiBlockOffset, uiSize, PRL_ERR_DISK_READ_OUT_DISK);
        auto* out = static_cast<unsigned char*>(pBlock);
        std::uint64_t done = 0;
        while (done < uiSize) {
            ssize_t n = ::pread(disk->fd.get(), out + done, uiSize - done, static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail(PRL_ERR_DISK_READ_FAILED, std::strerror(errno));
            if (n == 0) {  // the file got shorter than the disk: the rest reads as zero
                std::memset(out + done, 0, uiSize - done);
                break;
            }
            done += static_cast<std::uint64_t>(n);
        }
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_Write(const PRL_HANDLE Handle, PRL_CONST_VOID_PTR pBlock, const PRL_UINT32 uiSize,
                         const PRL_UINT64 uiBlockOffset) {
    return sync([&] {
        auto disk = handle_cast<VirtualDisk>(Handle);
        require(pBlock != nullptr);
        require(disk->writable, PRL_ERR_DISK_OPERATION_NOT_ALLOWED, "the disk is open for reading only");
        const std::uint64_t offset = byte_offset(*disk, uiBlockOffset, uiSize, PRL_ERR_DISK_WRITE_OUT_DISK);
        const auto* in = static_cast<const unsigned char*>(pBlock);
        std::uint64_t done = 0;
        while (done < uiSize) {
            ssize_t n = ::pwrite(disk->fd.get(), in + done, uiSize - done, static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail(PRL_ERR_DISK_WRITE_FAILED, std::strerror(errno));
            done += static_cast<std::uint64_t>(n);
        }
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_FlushCache(const PRL_HANDLE Handle) {
    return sync([&] {
        auto disk = handle_cast<VirtualDisk>(Handle);
        if (disk->writable && ::fsync(disk->fd.get()) != 0) fail(PRL_ERR_DISK_FSYNC_FAILED, std::strerror(errno));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_GetDiskInfo(const PRL_HANDLE Handle, PRL_DISK_PARAMETERS_PTR pDiskParameters,
                               PRL_UINT32_PTR BufferSize) {
    return sync([&] {
        auto disk = handle_cast<VirtualDisk>(Handle);
        require(BufferSize != nullptr);
        // The parameters, then one storage (the image itself), then the
        // strings they point at, all inside the caller's buffer.
        const std::string& name = disk->path;
        const std::size_t need = sizeof(PRL_DISK_PARAMETERS) + sizeof(PRL_IMAGE_PARAMETERS) + 2 * (name.size() + 1);
        require(need <= UINT32_MAX, PRL_ERR_BUFFER_OVERRUN, "path too long");
        if (*BufferSize == 0) {
            *BufferSize = static_cast<PRL_UINT32>(need);
            return PRL_ERR_SUCCESS;
        }
        require(pDiskParameters != nullptr);
        if (*BufferSize < need) {
            *BufferSize = static_cast<PRL_UINT32>(need);
            return PRL_ERR_BUFFER_OVERRUN;
        }
        auto* base = reinterpret_cast<char*>(pDiskParameters);
        auto* storage_at = base + sizeof(PRL_DISK_PARAMETERS);
        char* file_at = storage_at + sizeof(PRL_IMAGE_PARAMETERS);
        char* name_at = file_at + name.size() + 1;
        std::memcpy(file_at, name.c_str(), name.size() + 1);
        std::memcpy(name_at, name.c_str(), name.size() + 1);

        const std::uint64_t sectors = disk->size / kSector;
        PRL_IMAGE_PARAMETERS storage{};
        storage.Type = PRL_IMAGE_PLAIN;
        storage.uStart = 0;
        storage.uSize = sectors;
        storage.pFileName = file_at;
        std::memcpy(storage_at, &storage, sizeof storage);

        PRL_DISK_PARAMETERS p{};
        fill_geometry(p, sectors);
        p.m_SizeInSectors = sectors;
        p.m_BlockSize = service::kExternalBackupGranularity / kSector;
        p.m_Parts = 1;
        p.m_Storages = reinterpret_cast<PRL_IMAGE_PARAMETERS_PTR>(storage_at);
        p.Name = name_at;
        std::memcpy(base, &p, sizeof p);
        *BufferSize = static_cast<PRL_UINT32>(need);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDisk_GetChangesMap_Local(PRL_HANDLE hDisk, PRL_CONST_STR sPit1Uuid, PRL_CONST_STR, PRL_HANDLE_PTR phMap) {
    return sync([&] {
        auto disk = handle_cast<VirtualDisk>(hDisk);
        out_ptr(phMap);
        // The later point in time is always the disk as it is (the original ignores it too).
        std::string since;
        if (sPit1Uuid) {
            since.assign(sPit1Uuid, ::strnlen(sPit1Uuid, 65));
            if (since.empty()) since = "-";  // an empty UUID names no backup
        }
        service::ChangesMap map;
        if (disk->backup)
            map = disk->backup->changes(disk->backup_index, since);
        else if (since.empty())
            map = full_map(*disk);
        else
            fail(PRL_ERR_NO_DATA, "a disk opened on its own has no changes tracked");
        give(std::make_shared<DiskMap>(std::move(map)), phMap);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDiskMap_GetSize(PRL_HANDLE hMap, PRL_UINT32_PTR pnSize) {
    return sync([&] {
        auto map = handle_cast<DiskMap>(hMap);
        *out_ptr(pnSize) = map->map.bits;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDiskMap_GetGranularity(PRL_HANDLE hMap, PRL_UINT32_PTR pnSize) {
    return sync([&] {
        auto map = handle_cast<DiskMap>(hMap);
        *out_ptr(pnSize) = map->map.granularity;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDiskMap_Read(PRL_HANDLE hMap, PRL_VOID_PTR pBuffer, PRL_UINT32_PTR pnCapacity) {
    return sync([&] {
        auto map = handle_cast<DiskMap>(hMap);
        return copy_out_bytes(map->map.bytes, pBuffer, pnCapacity);
    });
}

}  // extern "C"
