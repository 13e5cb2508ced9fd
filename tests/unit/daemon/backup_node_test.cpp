// The backup node's side of the conversation (lib/daemon/backup_node.cpp)
// against a source written by hand over a socket pair: what a hostile or
// broken source sends is refused, nothing of it is ever listed, and nothing
// is touched outside the node's repository (docs/backup-node.md).
#include "backup_node_under_test.h"

#include "backup/layout.h"
#include "backup/pack_file.h"

TEST_CASE("a backup node commits what a source sends and lists it with the source's host", "[backup-node]") {
    NodeUnderTest n;
    send_call(*n.source, encode_create(plan_of(3 * backup::kBlockSize)));
    const Record started = receive_reply(*n.source);
    CHECK(started.get_uint("parent") == 0);
    const auto a = block_of('a'), b = block_of('b');
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{0, false, hash_of(a)}, {2, false, hash_of(b)}}));
    const auto missing = wire::decode_bitmap(receive_reply(*n.source).get("missing"), 2);
    CHECK(missing == std::vector<bool>{true, true});
    std::vector<std::uint8_t> both(a);
    both.insert(both.end(), b.begin(), b.end());
    send_data(*n.source, wire::encode_blocks(both.data(), 2, true));
    send_call(*n.source, Record("call", "end_disk").add_uint("disk", 0));
    receive_reply(*n.source);
    send_call(*n.source, Record("call", "commit"));
    const std::string id = receive_reply(*n.source).get("id");
    CHECK(id == started.get("id"));
    n.hang_up();

    const auto vms = backup::Repository::open(n.repository)->list();
    REQUIRE(vms.size() == 1);
    CHECK(vms[0].uuid == kVm);
    CHECK(vms[0].chains.at(0).full.host == "source.example");
    // Restored here, the disk is the blocks sent, with a hole between.
    prl::test::TempDir out;
    backup::Repository::open(n.repository)->restore(id, backup::RestoreTarget{{{"hdd0", out.path() / "disk"}}, {}});
    std::string want(a.begin(), a.end());
    want += std::string(backup::kBlockSize, '\0');
    want += std::string(b.begin(), b.end());
    CHECK(prl::test::read_file(out.path() / "disk") == want);
}

TEST_CASE("a block sent in one batch is not asked for again in the next, which the node checks meanwhile", "[backup-node]") {
    NodeUnderTest n;
    send_call(*n.source, encode_create(plan_of(3 * backup::kBlockSize)));
    receive_reply(*n.source);
    const auto a = block_of('a'), b = block_of('b');
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{0, false, hash_of(a)}}));
    CHECK(wire::decode_bitmap(receive_reply(*n.source).get("missing"), 1) == std::vector<bool>{true});
    send_data(*n.source, wire::encode_blocks(a.data(), 1, true));
    // The next batch answered before the last one's block is in the store: it is not asked for twice.
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{1, false, hash_of(a)}, {2, false, hash_of(b)}}));
    CHECK(wire::decode_bitmap(receive_reply(*n.source).get("missing"), 2) == std::vector<bool>{false, true});
    send_data(*n.source, wire::encode_blocks(b.data(), 1, false));
    send_call(*n.source, Record("call", "end_disk").add_uint("disk", 0));
    receive_reply(*n.source);
    send_call(*n.source, Record("call", "commit"));
    const std::string id = receive_reply(*n.source).get("id");
    n.hang_up();

    prl::test::TempDir out;
    backup::Repository::open(n.repository)->restore(id, backup::RestoreTarget{{{"hdd0", out.path() / "disk"}}, {}});
    std::string want(a.begin(), a.end());
    want += want;
    want.append(b.begin(), b.end());
    CHECK(prl::test::read_file(out.path() / "disk") == want);
}

TEST_CASE("a forged block in one batch fails the backup at the next call, and nothing is listed", "[backup-node]") {
    NodeUnderTest n;
    send_call(*n.source, encode_create(plan_of(2 * backup::kBlockSize)));
    receive_reply(*n.source);
    const auto honest = block_of('h'), forged = block_of('f'), next = block_of('n');
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{0, false, hash_of(honest)}}));
    receive_reply(*n.source);
    send_data(*n.source, wire::encode_blocks(forged.data(), 1, true));
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{1, false, hash_of(next)}}));
    receive_reply(*n.source);
    send_data(*n.source, wire::encode_blocks(next.data(), 1, true));
    // The failure is the reply to the call after the one whose blocks were
    // checked meanwhile: every call has one reply.
    n.source->send(FrameKind::control, packet_xml(Packet{"end-disk-call", protocol_version, false, false, kTarget,
                                                         "backupnode",
                                                         Record("call", "end_disk").add_uint("disk", 0).xml()}));
    const auto frame = n.source->receive();
    REQUIRE(frame);
    const Packet reply = parse_packet(frame->payload);
    CHECK(reply.id == "end-disk-call");
    CHECK(Record::parse(reply.data).element() == "error");
    CHECK(Record::parse(reply.data).get("code") == "corrupted");
    n.hang_up();
    check_nothing_kept(n);
}

TEST_CASE("a backup node refuses blocks that are not what their hashes say", "[backup-node]") {
    NodeUnderTest n;
    send_call(*n.source, encode_create(plan_of(backup::kBlockSize)));
    receive_reply(*n.source);
    const auto honest = block_of('h'), forged = block_of('f');
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{0, false, hash_of(honest)}}));
    receive_reply(*n.source);
    send_data(*n.source, wire::encode_blocks(forged.data(), 1, true));
    send_call(*n.source, Record("call", "end_disk").add_uint("disk", 0));
    CHECK(backup_errc_of([&] { receive_reply(*n.source); }) == backup::Errc::corrupted);
    n.hang_up();
    check_nothing_kept(n);
}

TEST_CASE("a backup node refuses changes out of order, past the disk, or in a wrong sequence", "[backup-node]") {
    const auto x = block_of('x');
    SECTION("out of order") {
        NodeUnderTest n;
        send_call(*n.source, encode_create(plan_of(4 * backup::kBlockSize)));
        receive_reply(*n.source);
        send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
        send_data(*n.source, wire::encode_changes({{2, true, {}}, {1, true, {}}}));
        CHECK(backup_errc_of([&] { receive_reply(*n.source); }) == backup::Errc::corrupted);
        n.hang_up();
        check_nothing_kept(n);
    }
    SECTION("past the disk's end") {
        NodeUnderTest n;
        send_call(*n.source, encode_create(plan_of(backup::kBlockSize)));
        receive_reply(*n.source);
        send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
        send_data(*n.source, wire::encode_changes({{1, false, hash_of(x)}}));
        CHECK(backup_errc_of([&] { receive_reply(*n.source); }) == backup::Errc::corrupted);
        n.hang_up();
        check_nothing_kept(n);
    }
    SECTION("commit before the disks") {
        NodeUnderTest n;
        send_call(*n.source, encode_create(plan_of(backup::kBlockSize)));
        receive_reply(*n.source);
        send_call(*n.source, Record("call", "commit"));
        CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::invalid_argument);
        n.hang_up();
        check_nothing_kept(n);
    }
    SECTION("a data frame where a call belongs") {
        NodeUnderTest n;
        send_call(*n.source, encode_create(plan_of(backup::kBlockSize)));
        receive_reply(*n.source);
        send_data(*n.source, "junk");
        CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::corrupt);
        n.hang_up();
        check_nothing_kept(n);
    }
    SECTION("a VM uuid that is not one") {
        NodeUnderTest n;
        CreatePlan plan = plan_of(backup::kBlockSize);
        plan.source.vm_uuid = "../../etc";
        send_call(*n.source, encode_create(plan));
        CHECK(backup_errc_of([&] { receive_reply(*n.source); }) == backup::Errc::invalid_argument);
        n.hang_up();
        std::size_t beside = 0;
        for (const auto& e : fs::directory_iterator(n.dir.path())) beside += e.path() != n.repository ? 1 : 0;
        CHECK(beside == 0);
    }
}

TEST_CASE("a backup node serves only admins", "[backup-node]") {
    NodeUnderTest n(false);
    send_call(*n.source, Record("call", "list"));
    CHECK(daemon_errc([&] { receive_reply(*n.source); }) == service::Errc::access_denied);
}

TEST_CASE("a source that goes away midway leaves nothing listed, and its blocks for a retry", "[backup-node]") {
    NodeUnderTest n;
    send_call(*n.source, encode_create(plan_of(2 * backup::kBlockSize)));
    receive_reply(*n.source);
    const auto a = block_of('a');
    send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*n.source, wire::encode_changes({{0, false, hash_of(a)}}));
    receive_reply(*n.source);
    send_data(*n.source, wire::encode_blocks(a.data(), 1, true));
    n.hang_up();  // before end_disk and commit
    check_nothing_kept(n);

    // The retry: the node already has that block, and does not ask for it.
    NodeUnderTest again;
    again.repository = n.repository;
    send_call(*again.source, encode_create(plan_of(2 * backup::kBlockSize)));
    receive_reply(*again.source);
    send_call(*again.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*again.source, wire::encode_changes({{0, false, hash_of(a)}}));
    CHECK(wire::decode_bitmap(receive_reply(*again.source).get("missing"), 1) == std::vector<bool>{false});
}

TEST_CASE("a source that goes silent without hanging up is cut off, and its VM can be backed up again", "[backup-node]") {
    PeerTimeouts quick;
    quick.silence = std::chrono::milliseconds(500);
    quick.keepalive = std::chrono::milliseconds(60);
    NodeUnderTest silent(true, quick);
    send_call(*silent.source, encode_create(plan_of(2 * backup::kBlockSize)));
    receive_reply(*silent.source);
    const auto a = block_of('a');
    send_call(*silent.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*silent.source, wire::encode_changes({{0, false, hash_of(a)}}));
    receive_reply(*silent.source);
    // The source says nothing more, and does not close: the node gives up on
    // it (its thread ends) and lets go of the VM.
    const auto start = std::chrono::steady_clock::now();
    silent.node.join();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    NodeUnderTest next;
    next.repository = silent.repository;
    send_call(*next.source, encode_create(plan_of(backup::kBlockSize)));
    CHECK(receive_reply(*next.source).get("id").size() > 0);
    next.hang_up();
    check_nothing_kept(next);
}

TEST_CASE("a node at work keeps a waiting source's connection alive", "[backup-node]") {
    // The node says nothing of its own while it answers slowly; its keepalives
    // are all the source hears, and they are enough.
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    FramedChannel source(plain_channel(platform::UniqueFd(sv[1])));
    PeerTimeouts quick;
    quick.silence = std::chrono::milliseconds(400);
    quick.keepalive = std::chrono::milliseconds(50);
    std::thread node([fd = sv[0], quick] {
        FramedChannel channel(plain_channel(platform::UniqueFd(fd)));
        const ChannelWatch watch(channel, quick);
        std::string id;
        receive_call(channel, id);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        send_reply(channel, id, Record("result"));
    });
    const ChannelWatch watch(source, quick);
    send_call(source, Record("call", "list"));
    CHECK(receive_reply(source).element() == "result");
    CHECK(watch.cut() == ChannelWatch::Cut::none);
    node.join();
}

TEST_CASE("a second source backing up the same VM to a node is refused while the first writes", "[backup-node]") {
    NodeUnderTest first;
    send_call(*first.source, encode_create(plan_of(backup::kBlockSize)));
    receive_reply(*first.source);
    NodeUnderTest second;
    second.repository = first.repository;
    send_call(*second.source, encode_create(plan_of(backup::kBlockSize)));
    CHECK(backup_errc_of([&] { receive_reply(*second.source); }) == backup::Errc::locked);
    // Another VM is written beside it.
    NodeUnderTest other;
    other.repository = first.repository;
    CreatePlan plan = plan_of(backup::kBlockSize);
    plan.source.vm_uuid = "{11111111-2222-4333-8444-666666666666}";
    send_call(*other.source, encode_create(plan));
    CHECK(receive_reply(*other.source).get("id").size() > 0);
}

TEST_CASE("a backup node stores a source's groups across a pack's end and restores them", "[backup-node]") {
    NodeUnderTest n;
    // 1 + 17 x 1,024 distinct blocks: past one pack (16,384), with the
    // groups of 64 out of step with the pack's end after the first batch of 1.
    const std::uint64_t blocks = 1 + 17 * 1024;
    send_call(*n.source, encode_create(plan_of(blocks * backup::kBlockSize)));
    const std::string id = receive_reply(*n.source).get("id");
    auto block = [](std::uint64_t i) {
        std::vector<std::uint8_t> b(backup::kBlockSize, static_cast<std::uint8_t>(i * 7));
        std::memcpy(b.data(), &i, sizeof i);
        return b;
    };
    for (std::uint64_t first = 0; first < blocks;) {
        const std::uint64_t count = first == 0 ? 1 : 1024;
        std::vector<wire::Change> changes;
        std::vector<std::uint8_t> data;
        for (std::uint64_t i = first; i < first + count; ++i) {
            const auto b = block(i);
            changes.push_back({i, false, hash_of(b)});
            data.insert(data.end(), b.begin(), b.end());
        }
        send_call(*n.source, Record("call", "changes").add_uint("disk", 0));
        send_data(*n.source, wire::encode_changes(changes));
        const auto missing = wire::decode_bitmap(receive_reply(*n.source).get("missing"), changes.size());
        REQUIRE(std::count(missing.begin(), missing.end(), true) == static_cast<long>(count));
        send_data(*n.source, wire::encode_blocks(data.data(), count, first % 2 == 0));
        first += count;
    }
    send_call(*n.source, Record("call", "end_disk").add_uint("disk", 0));
    receive_reply(*n.source);
    send_call(*n.source, Record("call", "commit"));
    receive_reply(*n.source);
    n.hang_up();

    prl::test::TempDir out;
    backup::Repository::open(n.repository)->restore(id, backup::RestoreTarget{{{"hdd0", out.path() / "disk"}}, {}});
    std::ifstream in(out.path() / "disk", std::ios::binary);
    std::vector<char> got(backup::kBlockSize);
    for (std::uint64_t i = 0; i < blocks; ++i) {
        in.read(got.data(), static_cast<std::streamsize>(got.size()));
        const auto want = block(i);
        REQUIRE(std::memcmp(got.data(), want.data(), want.size()) == 0);
    }
}

TEST_CASE("two sources at once: a block the first sent is not asked of the second, and both restore", "[backup-node]") {
    NodeUnderTest first;
    NodeUnderTest second;
    second.repository = first.repository;
    const auto a = block_of('a'), c = block_of('c');
    send_call(*first.source, encode_create(plan_of(backup::kBlockSize)));
    receive_reply(*first.source);
    send_call(*first.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*first.source, wire::encode_changes({{0, false, hash_of(a)}}));
    receive_reply(*first.source);
    send_data(*first.source, wire::encode_blocks(a.data(), 1, true));
    send_call(*first.source, Record("call", "end_disk").add_uint("disk", 0));
    receive_reply(*first.source);  // `a` is stored, not committed

    CreatePlan plan = plan_of(2 * backup::kBlockSize);
    plan.source.vm_uuid = "{11111111-2222-4333-8444-777777777777}";
    send_call(*second.source, encode_create(plan));
    receive_reply(*second.source);
    send_call(*second.source, Record("call", "changes").add_uint("disk", 0));
    send_data(*second.source, wire::encode_changes({{0, false, hash_of(a)}, {1, false, hash_of(c)}}));
    CHECK(wire::decode_bitmap(receive_reply(*second.source).get("missing"), 2) == std::vector<bool>{false, true});
    send_data(*second.source, wire::encode_blocks(c.data(), 1, true));
    send_call(*second.source, Record("call", "end_disk").add_uint("disk", 0));
    receive_reply(*second.source);

    std::string first_id;
    SECTION("the first commits after the second") {
        send_call(*second.source, Record("call", "commit"));
        receive_reply(*second.source);
        send_call(*first.source, Record("call", "commit"));
        first_id = receive_reply(*first.source).get("id");
    }
    SECTION("the first hangs up before it commits") {
        first.hang_up();
        send_call(*second.source, Record("call", "commit"));
        receive_reply(*second.source);
    }
    SECTION("the first fails before it commits") {
        send_call(*first.source, Record("call", "end_disk").add_uint("disk", 0));  // twice: refused
        CHECK(daemon_errc([&] { receive_reply(*first.source); }) == service::Errc::invalid_argument);
        first.hang_up();
        send_call(*second.source, Record("call", "commit"));
        receive_reply(*second.source);
    }
    first.hang_up();
    second.hang_up();

    // `a` was stored once, and each element restores as sent, also after
    // whatever garbage collection the next open runs.
    for (int pass = 0; pass < 2; ++pass) {
        auto repo = backup::Repository::open(first.repository);
        CHECK(repo->list().size() == (first_id.empty() ? 1u : 2u));
        const backup::Layout layout{backup::open_directory_storage(first.repository)};
        std::uint64_t entries = 0;
        for (const auto& e : fs::directory_iterator(first.repository / layout.packs())) {
            std::uint64_t pack = 0;
            if (!backup::parse_pack_file_name(e.path().filename().string(), pack)) continue;
            backup::PackReader reader(layout.store(), layout.pack(pack), pack);
            for (std::uint32_t i = 0; i < reader.entry_count(); ++i)
                entries += (reader.entry(i).flags & backup::kEntryDead) ? 0 : 1;
        }
        CHECK(entries == 2);
        prl::test::TempDir out;
        const std::string second_id = [&] {
            for (const auto& vm : repo->list())
                if (vm.uuid == plan.source.vm_uuid) return vm.chains.at(0).full.id;
            return std::string();
        }();
        repo->restore(second_id, backup::RestoreTarget{{{"hdd0", out.path() / "disk"}}, {}});
        CHECK(prl::test::read_file(out.path() / "disk") == std::string(a.begin(), a.end()) + std::string(c.begin(), c.end()));
        if (!first_id.empty()) {
            repo->restore(first_id, backup::RestoreTarget{{{"hdd0", out.path() / "first"}}, {}});
            CHECK(prl::test::read_file(out.path() / "first") == std::string(a.begin(), a.end()));
        }
    }
}
