// What a backup node decodes from a source, and a source from a node
// (prl::backup::node_wire): changes, bitmaps, block groups, views, restore
// batches, a container's tree batches. The first byte picks the decoder. Invariants: the only refusal
// is Error(corrupted); what is accepted is in order and within the disk,
// encodes back to the same bytes, and every block decoded matches its hash.
#include "error.h"
#include "node_wire.h"
#include "sha256.h"
#include "tree_manifest.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace prl::backup;
using namespace prl::backup::node_wire;

namespace {

constexpr uint64_t kBlocks = 4096;  // the disk the fuzzed data is about: 16 MiB

void check_order(uint64_t index, uint64_t& last) {
    if (index >= kBlocks || (last != UINT64_MAX && index <= last)) std::abort();
    last = index;
}

// No absolute path, and no component that is "..", "." or empty.
bool safe_relative(const std::string& path) {
    if (path.empty()) return true;  // the root
    if (path.front() == '/') return false;
    size_t start = 0;
    for (;;) {
        const size_t end = path.find('/', start);
        const std::string part = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (end == std::string::npos) return true;
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        switch (data[0] % 6) {
        case 0: {
            const auto changes = decode_changes(bytes, UINT64_MAX, kBlocks);
            uint64_t last = UINT64_MAX;
            for (const Change& c : changes) check_order(c.index, last);
            if (encode_changes(changes) != bytes) std::abort();
            break;
        }
        case 1: {
            const size_t n = bytes.empty() ? 0 : static_cast<uint8_t>(bytes[0]);
            const auto bits = decode_bitmap(bytes.substr(bytes.empty() ? 0 : 1), n);
            if (bits.size() != n) std::abort();
            break;
        }
        case 2: {
            // Blocks against the hashes of zero blocks and of "A" blocks, alternating.
            Sha256 sha;
            const std::string zeros(kBlockSize, '\0'), as(kBlockSize, 'A');
            std::vector<Digest> hashes;
            for (size_t i = 0; i < 3; ++i) hashes.push_back(i % 2 ? sha.digest(as.data(), as.size()) : sha.digest(zeros.data(), zeros.size()));
            // Accepted groups give back exactly the blocks their hashes name.
            BlockBuffer out;
            for (const Group& g : check_blocks(bytes, hashes)) {
                out.resize(g.count * kBlockSize);
                group_blocks(g, out.data());
                for (size_t i = 0; i < g.count; ++i)
                    if (sha.digest(out.data() + i * kBlockSize, kBlockSize) != hashes[g.first + i]) std::abort();
            }
            break;
        }
        case 3: {
            const auto entries = decode_present(bytes, UINT64_MAX, kBlocks);
            uint64_t last = UINT64_MAX;
            for (const Present& e : entries) check_order(e.index, last);
            if (encode_present(entries) != bytes) std::abort();
            break;
        }
        case 4: {
            BlockBuffer out;
            const auto entries = decode_restore_batch(bytes, UINT64_MAX, kBlocks, out);
            if (out.size() != entries.size() * kBlockSize) std::abort();
            Sha256 sha;
            uint64_t last = UINT64_MAX;
            for (size_t i = 0; i < entries.size(); ++i) {
                check_order(entries[i].index, last);
                if (sha.digest(out.data() + i * kBlockSize, kBlockSize) != entries[i].hash) std::abort();
            }
            break;
        }
        case 5: {
            // A tree batch: its nodes only with safe relative paths, and it encodes back as it came.
            const TreeBatch batch = decode_tree_batch(bytes);
            std::string again;
            size_t next = 0;
            for (size_t i = 0; i <= batch.changes.size(); ++i) {
                for (; next < batch.nodes.size() && batch.nodes[next].before == i; ++next) {
                    const TreeNode& n = batch.nodes[next].node;
                    if (!safe_relative(n.path) || (batch.nodes[next].same && n.type != NodeType::file)) std::abort();
                    if (batch.nodes[next].same) append_tree_same(again, n);
                    else append_tree_node(again, n);
                }
                if (i < batch.changes.size()) append_tree_change(again, batch.changes[i].index, batch.changes[i].hash);
            }
            if (again != bytes || batch.changes.size() > kMaxBlocksPerBatch) std::abort();
            break;
        }
        }
    } catch (const Error& e) {
        if (e.code() != Errc::corrupted) {
            std::fprintf(stderr, "unexpected error code %d: %s\n", static_cast<int>(e.code()), e.what());
            std::abort();
        }
    }
    return 0;
}
