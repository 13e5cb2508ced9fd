// A backup node serving one conversation in this process, and what its
// tests share: the node's side (lib/daemon/backup_node.cpp) against a
// source written by hand over a socket pair.
#pragma once
#include "daemon/backup_node.h"

#include "backup/error.h"
#include "backup/node_wire.h"
#include "backup/directory_storage.h"
#include "backup/repository.h"
#include "backup/sha256.h"
#include "remote/backup_node_protocol.h"
#include "remote/packet.h"
#include "store/error.h"

#include "read_file.h"
#include "test_home.h"

#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <thread>

using namespace prl;
using namespace prl::remote;
using namespace prl::remote::backup_node;
namespace wire = prl::backup::node_wire;
namespace fs = std::filesystem;

namespace node_test {

constexpr const char* kVm = "{11111111-2222-4333-8444-555555555555}";

// A node serving one conversation on its end of a socket pair.
struct NodeUnderTest {
    prl::test::TempDir dir;
    fs::path repository = dir.path() / "repository";
    std::unique_ptr<FramedChannel> source;
    std::thread node;

    explicit NodeUnderTest(bool admin = true, PeerTimeouts peer = PeerTimeouts{}) {
        int sv[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        source = std::make_unique<FramedChannel>(plain_channel(platform::UniqueFd(sv[1])));
        node = std::thread([this, admin, peer, fd = sv[0]] {
            FramedChannel channel(plain_channel(platform::UniqueFd(fd)));
            try {
                auto first = channel.receive();
                if (first) serve_backup_node_first(channel, parse_packet(first->payload), admin, peer);
            } catch (...) {
            }
            channel.shut_down();
        });
    }
    void serve_backup_node_first(FramedChannel& channel, const Packet& first, bool admin, PeerTimeouts peer) {
        daemon::serve_backup_node(channel, first, [this] { return backup::open_directory_storage(repository); }, admin,
                                  peer);
    }
    ~NodeUnderTest() { hang_up(); }
    // The conversation is over: the node has finished with what it received.
    void hang_up() {
        source->shut_down();
        if (node.joinable()) node.join();
    }
};

inline CreatePlan plan_of(std::uint64_t disk_bytes) {
    CreatePlan plan;
    plan.source.vm_uuid = kVm;
    plan.source.vm_name = "hand-made";
    plan.source.disks.push_back(backup::DiskSource{"hdd0", "/vms/hand-made/hdd0.hdd"});
    plan.disk_sizes.push_back(disk_bytes);
    plan.options.host = "source.example";
    return plan;
}

inline std::vector<std::uint8_t> block_of(char fill) { return std::vector<std::uint8_t>(backup::kBlockSize, static_cast<std::uint8_t>(fill)); }

inline backup::Digest hash_of(const std::vector<std::uint8_t>& b) {
    backup::Sha256 sha;
    return sha.digest(b.data(), b.size());
}

inline service::Errc daemon_errc(const std::function<void()>& f) {
    try {
        f();
    } catch (const service::Error& e) {
        return e.code();
    }
    FAIL("no service error");
    return service::Errc::io_error;
}

inline backup::Errc backup_errc_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const backup::Error& e) {
        return e.code();
    }
    FAIL("no backup error");
    return backup::Errc::io_error;
}

// Nothing listed, no element's files or unfinished packs left once the
// repository is opened again, nothing beside the repository.
inline void check_nothing_kept(const NodeUnderTest& n) {
    auto repo = backup::Repository::open(n.repository);
    CHECK(repo->list().empty());
    std::size_t chain_dirs = 0, temporary = 0;
    for (auto it = fs::recursive_directory_iterator(n.repository); it != fs::recursive_directory_iterator(); ++it) {
        if (it.depth() == 2 && it->path().parent_path().parent_path().filename() == "vms" && it->is_directory()) ++chain_dirs;
        if (it->path().extension() == ".tmp") ++temporary;
    }
    CHECK(chain_dirs == 0);
    CHECK(temporary == 0);
    std::size_t beside = 0;
    for (const auto& e : fs::directory_iterator(n.dir.path())) beside += e.path() != n.repository ? 1 : 0;
    CHECK(beside == 0);
}

}  // namespace node_test

using namespace node_test;
