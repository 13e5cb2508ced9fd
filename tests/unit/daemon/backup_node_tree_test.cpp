// A container's tree as a backup node receives it from a source written by
// hand (lib/daemon/backup_node.cpp): what it commits restores as sent, and
// a tree that could not be rebuilt (an unsafe path, a node outside any
// directory, out of order, blocks outside a file) is refused with nothing
// listed (docs/backup-node.md).
#include "backup_node_under_test.h"

#include "backup/container_tree.h"

#include <sys/stat.h>

namespace {

backup::TreeNode node_of(backup::NodeType type, std::string path, std::uint64_t size = 0, std::string target = {}) {
    backup::TreeNode n;
    n.type = type;
    n.path = std::move(path);
    n.mode = type == backup::NodeType::dir ? 0755 : 0640;
    n.uid = ::geteuid();
    n.gid = ::getegid();
    n.mtime = {1700000000, 5};
    n.atime = n.mtime;
    n.size = size;
    n.link_target = std::move(target);
    return n;
}

CreatePlan tree_plan(std::uint64_t bytes) {
    CreatePlan plan = plan_of(0);
    plan.source.type = backup::VmType::ct;
    plan.source.disks.clear();
    plan.disk_sizes.clear();
    plan.tree_bytes = bytes;
    return plan;
}

std::string node_record(const backup::TreeNode& n) {
    std::string out;
    wire::append_tree_node(out, n);
    return out;
}

std::string change_record(std::uint64_t index, const std::vector<std::uint8_t>& block) {
    std::string out;
    wire::append_tree_change(out, index, hash_of(block));
    return out;
}

std::string same_record(const backup::TreeNode& n) {
    std::string out;
    wire::append_tree_same(out, n);
    return out;
}

// One batch of the tree, and the node's answer to it.
Record send_batch(FramedChannel& source, const std::string& records) {
    send_call(source, Record("call", "tree_batch"));
    send_data(source, records);
    return receive_reply(source);
}

Record send_node(FramedChannel& source, const backup::TreeNode& n) { return send_batch(source, node_record(n)); }

}  // namespace

TEST_CASE("a backup node keeps a container's tree as a source sends it, and it restores as sent", "[backup-node]") {
    NodeUnderTest n;
    const auto a = block_of('a'), b = block_of('b');
    const std::uint64_t size = 2 * backup::kBlockSize + 100;  // the last block short, the middle one a hole
    send_call(*n.source, encode_create(tree_plan(size)));
    const std::string id = receive_reply(*n.source).get("id");
    // One batch: nodes before, between and after a file's blocks.
    const std::string batch = node_record(node_of(backup::NodeType::dir, "")) + node_record(node_of(backup::NodeType::dir, "etc")) +
                              node_record(node_of(backup::NodeType::file, "etc/data", size)) + change_record(0, a) +
                              change_record(2, b) + node_record(node_of(backup::NodeType::file, "etc/empty")) +
                              node_record(node_of(backup::NodeType::symlink, "link", 0, "etc/data"));
    CHECK(wire::decode_bitmap(send_batch(*n.source, batch).get("missing"), 2) == std::vector<bool>{true, true});
    std::vector<std::uint8_t> both(a);
    both.insert(both.end(), b.begin(), b.end());
    send_data(*n.source, wire::encode_blocks(both.data(), 2, true));
    // A second batch: a file whose block the node has from the first.
    send_batch(*n.source, node_record(node_of(backup::NodeType::file, "same", backup::kBlockSize)) + change_record(0, a));
    send_call(*n.source, Record("call", "end_tree"));
    receive_reply(*n.source);
    send_call(*n.source, Record("call", "commit"));
    CHECK(receive_reply(*n.source).get("id") == id);
    n.hang_up();

    const auto vms = backup::Repository::open(n.repository)->list();
    REQUIRE(vms.size() == 1);
    CHECK(vms[0].type == backup::VmType::ct);
    prl::test::TempDir out;
    backup::RestoreTarget target;
    target.directory = out.path() / "ct";
    backup::Repository::open(n.repository)->restore(id, target);
    std::string want(a.begin(), a.end());
    want += std::string(backup::kBlockSize, '\0');
    want += std::string(b.begin(), b.begin() + 100);
    CHECK(prl::test::read_file(out.path() / "ct/etc/data") == want);
    CHECK(fs::file_size(out.path() / "ct/etc/empty") == 0);
    CHECK(fs::read_symlink(out.path() / "ct/link") == "etc/data");
    CHECK(prl::test::read_file(out.path() / "ct/same") == std::string(a.begin(), a.end()));
    struct stat st {};
    REQUIRE(::stat((out.path() / "ct/etc/data").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_mtim.tv_sec == 1700000000);
}

TEST_CASE("a backup node refuses a tree that could not be rebuilt, and lists nothing of it", "[backup-node]") {
    using backup::NodeType;
    // The nodes sent after the root; the last is refused.
    std::vector<backup::TreeNode> nodes;
    backup::Errc want = backup::Errc::corrupted;
    SECTION("a path that climbs out") { nodes = {node_of(NodeType::file, "../escape")}; }
    SECTION("an absolute path") { nodes = {node_of(NodeType::file, "/etc/passwd")}; }
    SECTION("a node in a directory never sent") { nodes = {node_of(NodeType::file, "etc/passwd")}; }
    SECTION("a node in a file") { nodes = {node_of(NodeType::file, "f"), node_of(NodeType::file, "f/g")}; }
    SECTION("a node after the directory it belongs to was closed") {
        nodes = {node_of(NodeType::dir, "a"), node_of(NodeType::dir, "b"), node_of(NodeType::file, "a/late")};
    }
    SECTION("siblings out of order") { nodes = {node_of(NodeType::file, "b"), node_of(NodeType::file, "a")}; }
    SECTION("the same node twice") { nodes = {node_of(NodeType::file, "a"), node_of(NodeType::file, "a")}; }
    SECTION("a second root") { nodes = {node_of(NodeType::dir, "")}; }
    SECTION("a symlink with no target") { nodes = {node_of(NodeType::symlink, "l")}; }
    SECTION("a size on a directory") { nodes = {node_of(NodeType::dir, "d", 4096)}; }
    SECTION("a file past 1 PiB") {
        nodes = {node_of(NodeType::file, "huge", wire::kMaxDiskBytes + 1)};
        want = backup::Errc::invalid_argument;
    }
    NodeUnderTest n;
    send_call(*n.source, encode_create(tree_plan(0)));
    receive_reply(*n.source);
    send_node(*n.source, node_of(NodeType::dir, ""));
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) send_node(*n.source, nodes[i]);
    CHECK(backup_errc_of([&] { send_node(*n.source, nodes.back()); }) == want);
    n.hang_up();
    check_nothing_kept(n);
}

TEST_CASE("a backup node refuses a tree that does not start at its root, and blocks outside a file", "[backup-node]") {
    using backup::NodeType;
    NodeUnderTest n;
    send_call(*n.source, encode_create(tree_plan(backup::kBlockSize)));
    receive_reply(*n.source);
    SECTION("no root first") {
        CHECK(backup_errc_of([&] { send_node(*n.source, node_of(NodeType::dir, "etc")); }) == backup::Errc::corrupted);
    }
    SECTION("a block after a directory") {
        send_node(*n.source, node_of(NodeType::dir, ""));
        CHECK(backup_errc_of([&] { send_batch(*n.source, change_record(0, block_of('x'))); }) == backup::Errc::corrupted);
    }
    SECTION("a block past the file's end") {
        const std::string batch = node_record(node_of(NodeType::dir, "")) + node_record(node_of(NodeType::file, "f", 100)) +
                                  change_record(1, block_of('x'));
        CHECK(backup_errc_of([&] { send_batch(*n.source, batch); }) == backup::Errc::corrupted);
    }
    SECTION("a file's blocks out of order") {
        const std::string batch = node_record(node_of(NodeType::dir, "")) +
                                  node_record(node_of(NodeType::file, "f", 4 * backup::kBlockSize)) +
                                  change_record(2, block_of('x')) + change_record(1, block_of('y'));
        CHECK(backup_errc_of([&] { send_batch(*n.source, batch); }) == backup::Errc::corrupted);
    }
    SECTION("a batch cut short, or a record of no kind") {
        const std::string root = node_record(node_of(NodeType::dir, ""));
        const std::string bad = GENERATE(as<std::string>{}, "N", "C1234", "X");
        CHECK(backup_errc_of([&] { send_batch(*n.source, root + bad); }) == backup::Errc::corrupted);
    }
    SECTION("a disk's changes") {
        send_node(*n.source, node_of(NodeType::dir, ""));
        send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
        CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::corrupt);
    }
    SECTION("a commit before the tree's end") {
        send_node(*n.source, node_of(NodeType::dir, ""));
        send_call(*n.source, Record("call", "commit"));
        CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::invalid_argument);
    }
    SECTION("a VM's call") {
        send_call(*n.source, Record("call", "end_disk").add_uint("disk", 0));
        CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::corrupt);
    }
    n.hang_up();
    check_nothing_kept(n);
}

namespace {

// A committed full backup of a root with one file "f" of two blocks.
void full_with_file(FramedChannel& source, const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    send_call(source, encode_create(tree_plan(2 * backup::kBlockSize)));
    receive_reply(source);
    const std::string batch = node_record(node_of(backup::NodeType::dir, "")) +
                              node_record(node_of(backup::NodeType::file, "f", 2 * backup::kBlockSize)) +
                              change_record(0, a) + change_record(1, b);
    wire::decode_bitmap(send_batch(source, batch).get("missing"), 2);
    std::vector<std::uint8_t> both(a);
    both.insert(both.end(), b.begin(), b.end());
    send_data(source, wire::encode_blocks(both.data(), 2, true));
    send_call(source, Record("call", "end_tree"));
    receive_reply(source);
    send_call(source, Record("call", "commit"));
    receive_reply(source);
}

CreatePlan incremental_plan() {
    CreatePlan plan = tree_plan(2 * backup::kBlockSize);
    plan.options.kind = backup::Kind::incremental;
    return plan;
}

}  // namespace

TEST_CASE("a file a source says is unchanged takes the parent's blocks, and only a file the parent has as it is", "[backup-node]") {
    using backup::NodeType;
    const auto a = block_of('a'), b = block_of('b');
    NodeUnderTest n;
    full_with_file(*n.source, a, b);
    n.hang_up();
    SECTION("unchanged") {
        NodeUnderTest again;
        fs::copy(n.repository, again.repository, fs::copy_options::recursive);
        send_call(*again.source, encode_create(incremental_plan()));
        const Record started = receive_reply(*again.source);
        CHECK(started.get_uint("parent") != 0);
        // The node's digest of the parent is the tree as sent.
        std::string stream = node_record(node_of(NodeType::dir, "")) +
                             node_record(node_of(NodeType::file, "f", 2 * backup::kBlockSize)) + change_record(0, a) +
                             change_record(1, b);
        send_call(*again.source, Record("call", "tree_digest"));
        backup::Sha256 sha;
        CHECK(receive_reply(*again.source).get("digest") == backup::to_hex(sha.digest(stream.data(), stream.size())));
        const std::string batch = node_record(node_of(NodeType::dir, "")) +
                                  same_record(node_of(NodeType::file, "f", 2 * backup::kBlockSize));
        CHECK(wire::decode_bitmap(send_batch(*again.source, batch).get("missing"), 0).empty());
        send_call(*again.source, Record("call", "end_tree"));
        receive_reply(*again.source);
        send_call(*again.source, Record("call", "commit"));
        const std::string id = receive_reply(*again.source).get("id");
        again.hang_up();
        prl::test::TempDir out;
        backup::RestoreTarget target;
        target.directory = out.path() / "ct";
        backup::Repository::open(again.repository)->restore(id, target);
        std::string want(a.begin(), a.end());
        want.append(b.begin(), b.end());
        CHECK(prl::test::read_file(out.path() / "ct/f") == want);
    }
    SECTION("refused") {
        std::string batch = node_record(node_of(NodeType::dir, ""));
        CreatePlan plan = incremental_plan();
        SECTION("in a full backup") {
            plan = tree_plan(2 * backup::kBlockSize);
            batch += same_record(node_of(NodeType::file, "f", 2 * backup::kBlockSize));
        }
        SECTION("a file the parent lacks") { batch += same_record(node_of(NodeType::file, "g", 2 * backup::kBlockSize)); }
        SECTION("a file of another size") { batch += same_record(node_of(NodeType::file, "f", backup::kBlockSize)); }
        NodeUnderTest again;
        fs::copy(n.repository, again.repository, fs::copy_options::recursive);
        send_call(*again.source, encode_create(plan));
        receive_reply(*again.source);
        send_batch(*again.source, batch);  // checked against the parent when the next call comes
        send_call(*again.source, Record("call", "end_tree"));
        CHECK(backup_errc_of([&] { receive_reply(*again.source); }) == backup::Errc::corrupted);
        again.hang_up();
        const auto vms = backup::Repository::open(again.repository)->list();  // the full alone
        REQUIRE(vms.at(0).chains.size() == 1);
        CHECK(vms.at(0).chains[0].partials.empty());
    }
    SECTION("a block after an unchanged file") {
        NodeUnderTest again;
        fs::copy(n.repository, again.repository, fs::copy_options::recursive);
        send_call(*again.source, encode_create(incremental_plan()));
        receive_reply(*again.source);
        const std::string batch = node_record(node_of(NodeType::dir, "")) +
                                  same_record(node_of(NodeType::file, "f", 2 * backup::kBlockSize)) + change_record(0, a);
        CHECK(backup_errc_of([&] { send_batch(*again.source, batch); }) == backup::Errc::corrupted);
    }
}

TEST_CASE("a source that goes away midway through a tree leaves nothing listed, and its blocks for a retry", "[backup-node]") {
    using backup::NodeType;
    const auto a = block_of('a');
    const std::string batch = node_record(node_of(NodeType::dir, "")) +
                              node_record(node_of(NodeType::file, "f", backup::kBlockSize)) + change_record(0, a);
    NodeUnderTest n;
    send_call(*n.source, encode_create(tree_plan(backup::kBlockSize)));
    receive_reply(*n.source);
    CHECK(wire::decode_bitmap(send_batch(*n.source, batch).get("missing"), 1) == std::vector<bool>{true});
    send_data(*n.source, wire::encode_blocks(a.data(), 1, true));
    n.hang_up();  // before end_tree and commit
    check_nothing_kept(n);

    // The retry: the node already has that block, and does not ask for it.
    NodeUnderTest again;
    again.repository = n.repository;
    send_call(*again.source, encode_create(tree_plan(backup::kBlockSize)));
    receive_reply(*again.source);
    CHECK(wire::decode_bitmap(send_batch(*again.source, batch).get("missing"), 1) == std::vector<bool>{false});
}
