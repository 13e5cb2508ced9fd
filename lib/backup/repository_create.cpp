// LocalRepository::create — one new chain element from the disks or the
// container tree on this host, written by an ElementWriter and committed by
// the commit of its metadata object after every byte it references is durable.
#include "container_tree.h"
#include "disk_image.h"
#include "element_writer.h"
#include "error_guard.h"
#include "local_repository.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace prl::backup {

namespace {

std::string create_element(const Layout& layout, const Source& src, const CreateOptions& opt, const Progress& progress) {
    if (src.type == VmType::ct) check_tree_root(src.ct_root);
    ElementWriter element(layout, src, opt);
    const std::string id = element.meta().id();

    if (src.type == VmType::vm) {
        std::vector<SourceDisk> disks;
        uint64_t total = 0;
        for (const auto& d : src.disks) {
            disks.push_back(open_source_disk(d));
            total += disks.back().size;
        }
        element.set_original_size(total);
        ProgressReporter pr(progress, total);
        for (size_t i = 0; i < src.disks.size(); ++i) {
            const DiskSource& d = src.disks[i];
            std::unique_ptr<LayeredView> parent = element.parent_disk_view(d.name);
            MapWriter& map = element.begin_disk(d.name, d.path.string(), disks[i].size);
            StoreSink sink(element.store(), map);
            backup_image(disks[i].fd.get(), disks[i].size, *parent, sink, element.pool(), pr,
                         "backup " + id + " disk '" + d.name + "'");
            element.end_disk();
        }
        return element.commit(pr);
    }

    // Container: file-level.
    const TreeTotals totals = measure_tree(src.ct_root);
    element.set_original_size(totals.file_bytes);
    ProgressReporter pr(progress, totals.file_bytes);
    std::unique_ptr<ManifestReader> parent = element.parent_manifest();
    ManifestWriter& manifest = element.begin_tree();
    StoreTreeSink sink(element.store(), manifest);
    backup_tree(src.ct_root, parent.get(), sink, element.pool(), pr);
    element.end_tree();
    return element.commit(pr);
}

}  // namespace

std::string LocalRepository::create(const Source& src, const CreateOptions& opt, const Progress& progress) {
    return guard_errors([&] { return create_element(layout_, src, opt, progress); });
}

}  // namespace prl::backup
