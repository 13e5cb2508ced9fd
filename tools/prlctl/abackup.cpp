#include "abackup.h"

#include <PrlDisk.h>

#include "platform/durable_io.h"
#include "platform/sys_error.h"

#include <fcntl.h>
#include <fstream>
#include <vector>

namespace prlctl {
namespace {

using prl::platform::open_file;
using prl::platform::pwrite_all;

// A disk's changes map: `bits` blocks of `granularity` bytes.
struct ChangesMap {
    PRL_UINT32 bits = 0, granularity = 0;
    std::vector<unsigned char> bytes;
    bool changed(PRL_UINT32 block) const { return bytes[block >> 3] & (1u << (block & 7)); }
};

bool read_map(PRL_HANDLE disk, const std::string& since, bool full, ChangesMap& map) {
    Handle h;
    if (PRL_FAILED(PrlDisk_GetChangesMap_Local(disk, full ? nullptr : since.c_str(), nullptr, h.out()))) return false;
    if (PRL_FAILED(PrlDiskMap_GetGranularity(h, &map.granularity)) || PRL_FAILED(PrlDiskMap_GetSize(h, &map.bits)))
        return false;
    map.bytes.assign((static_cast<std::size_t>(map.bits) + 7) / 8, 0);
    PRL_UINT32 size = static_cast<PRL_UINT32>(map.bytes.size());
    return map.granularity != 0 && PRL_SUCCEEDED(PrlDiskMap_Read(h, map.bytes.data(), &size));
}

bool all_zero(const std::vector<char>& block) {
    for (char c : block)
        if (c) return false;
    return true;
}

// One disk's three files; false after a reported failure.
bool store(PRL_HANDLE disk, unsigned index, const ChangesMap& map, const std::string& folder) {
    const std::string stem = folder + "/" + std::to_string(index);
    const int flags = O_WRONLY | O_CREAT | O_TRUNC;
    say("process disk " + std::to_string(index) + " size: 0");  // the product prints a field it never sets
    try {
        {
            const auto cbt = open_file(stem + ".cbt", flags, 0600);
            say("\tsave CBT " + stem + ".cbt size " + std::to_string(map.bytes.size()));
            pwrite_all(cbt.get(), map.bytes.data(), map.bytes.size(), 0, stem + ".cbt");
        }
        say("\tsave backup " + stem + ".full blocks: " + std::to_string(map.bits) +
            " gran: " + std::to_string(map.granularity));
        const auto full = open_file(stem + ".full", flags, 0600);
        const auto delta = open_file(stem + ".delta", flags, 0600);
        std::vector<char> block(map.granularity, 0);
        // Both files get the disk's size: a zero last block.
        const std::uint64_t end = std::uint64_t{map.bits} * map.granularity;
        if (map.bits) {
            pwrite_all(full.get(), block.data(), block.size(), end - map.granularity, stem + ".full");
            pwrite_all(delta.get(), block.data(), block.size(), end - map.granularity, stem + ".delta");
        }
        for (PRL_UINT32 n = 0; n < map.bits; ++n) {
            const std::uint64_t at = std::uint64_t{n} * map.granularity;
            if (const PRL_RESULT rc = PrlDisk_Read(disk, block.data(), map.granularity, at / 512))
                return report(rc, "PrlVmBackup_GetDisk: " + result_text(rc)), false;
            if (map.changed(n)) pwrite_all(delta.get(), block.data(), block.size(), at, stem + ".delta");
            if (!all_zero(block)) pwrite_all(full.get(), block.data(), block.size(), at, stem + ".full");
        }
    } catch (const prl::platform::SysError& e) {
        // Worded as the product words it: "Cannot open FILE: <strerror>".
        std::string text = e.what();
        if (text.rfind("cannot ", 0) == 0) text[0] = 'C';
        return report(-1, text), false;
    }
    return true;
}

}  // namespace

int abackup(const Vm& vm, const std::string& folder, const std::string& since, bool full) {
    Handle job(PrlVm_BeginBackup(vm.cfg, PBMBF_CREATE_MAP));
    Handle backup;
    std::string err;
    if (const PRL_RESULT rc = wait(job, err)) return report(rc, "Failed to begin backup ");
    Handle result;
    if (const PRL_RESULT rc = PrlJob_GetResult(job, result.out()); PRL_FAILED(rc) ||
        PRL_FAILED(PrlResult_GetParam(result, backup.out())))
        return report(rc ? rc : -1, "Failed to get backup disk count: " + result_text(rc));
    PRL_UINT32 disks = 0;
    if (const PRL_RESULT rc = PrlVmBackup_GetDisksCount(backup, &disks))
        return report(rc, "Failed to get backup disk count: " + result_text(rc));
    say("Disk count " + std::to_string(disks));
    bool ok = true;
    for (PRL_UINT32 i = 0; i < disks && ok; ++i) {
        Handle disk;
        ChangesMap map;
        if (const PRL_RESULT rc = PrlVmBackup_GetDisk(backup, i, disk.out())) {
            report(-1, "PrlVmBackup_GetDisk: " + result_text(rc));
            ok = false;
        } else {
            ok = read_map(disk, since, full, map) && store(disk, i, map, folder);
        }
    }
    Handle end(ok ? PrlVmBackup_Commit(backup) : PrlVmBackup_Rollback(backup));
    if (wait(end, err))
        report(ok ? 0 : -1, std::string("Failed to backup ") + (ok ? "PrlVmBackup_Commit" : "PrlVmBackup_Rollback") +
                                " " + vm.kind() + " " + ": " + err);
    if (!ok) return exit_status(-1);
    const std::string id = text_of(PrlVmBackup_GetUuid, backup);
    std::ofstream(folder + "/uuid") << id;
    say("Backup created uuid: " + id);
    return 0;
}

}  // namespace prlctl
