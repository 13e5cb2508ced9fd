// A container's backup to a backup node, and its restore from one (the
// source's side; docs/backup-node.md). The tree is sent in manifest order,
// in batches of nodes with each file's blocks after its node, exchanged as
// a disk's changes are; a restore receives the manifest as stored, then
// every block it lists.
// Internal to lib/remote (backup_node_client.cpp).
#pragma once
#include "backup_node_link.h"
#include "backup_view_cache.h"

namespace prl::remote::backup_node {

// A new element on the node from the tree at src.ct_root; returns its id.
// What it sends is kept in `cache`: when the node's parent element is
// that tree, an incremental reads only the files changed since (size,
// times, inode), and sends the others' hashes alone.
std::string send_tree_to_node(NodeLink& link, const ViewCache& cache, const backup::Source& src,
                              const backup::CreateOptions& opt, const backup::Progress& progress);

// The container element `id` rebuilt at `directory` (new or empty), every
// block checked against the manifest, the manifest against its checksum.
void restore_tree_from_node(NodeLink& link, const std::string& id, const std::filesystem::path& directory,
                            const backup::Progress& progress);

}  // namespace prl::remote::backup_node
