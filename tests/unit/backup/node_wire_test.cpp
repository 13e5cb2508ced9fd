// A restore batch as a backup node sends it and a source decodes it
// (node_wire): frames as the packs store them, blocks taken from any frame
// and slot in any order, every block checked against its hash.
#include "backup_test_util.h"
#include "node_wire.h"
#include "pack_file.h"
#include "test_home.h"

using namespace prl::backup;
using namespace prl::backup::test;
namespace wire = prl::backup::node_wire;

TEST_CASE("a restore batch gives each block from its frame and slot, checked, and refuses a wrong one", "[backup][node-wire]") {
    prl::test::TempDir tmp;
    const Layout l = layout_at(tmp.path());
    std::mt19937_64 rng(3);
    // Two frames of a pack: 64 random blocks, then 3 (compressed: a repeated block).
    const std::vector<uint8_t> first = random_bytes(rng, 64 * kBlock);
    std::vector<uint8_t> second(3 * kBlock, 'x');
    Sha256 sha;
    auto hashes_of = [&](const std::vector<uint8_t>& bytes) {
        std::vector<Digest> out;
        for (size_t off = 0; off < bytes.size(); off += kBlock) out.push_back(sha.digest(bytes.data() + off, kBlock));
        return out;
    };
    const std::vector<Digest> h1 = hashes_of(first), h2 = hashes_of(second);
    fs::create_directories(tmp.path() / l.packs());
    {
        PackWriter w(l.store(), l.packs(), 7);
        w.write_frame(first.data(), static_cast<uint32_t>(first.size()), false, h1.data(), 0, 64);
        w.write_frame(second.data(), static_cast<uint32_t>(second.size()), false, h2.data(), 64, 3);
        w.seal(67);
        w.sync();
        w.commit();
    }
    PackReader r(l.store(), l.pack(7), 7);
    // Blocks 10..13 of a disk: slot 63 of the first frame, slot 2 of the second, slot 0 of the first, twice.
    std::vector<wire::Wanted> wanted{{10, 1, 63, h1[63]}, {11, 0, 2, h2[2]}, {12, 1, 0, h1[0]}, {13, 1, 0, h1[0]}};
    const std::vector<PackEntry> frames{r.entry(64), r.entry(0)};
    const std::vector<size_t> sizes{PackReader::raw_frame_size(frames[0]), PackReader::raw_frame_size(frames[1])};
    const auto batch = [&] {
        const BlockBuffer b = wire::encode_restore_batch(sizes, wanted, [&](size_t i, uint8_t* to) { r.read_frame_raw(frames[i], to); });
        return std::string(reinterpret_cast<const char*>(b.data()), b.size());
    };
    BlockBuffer data;
    const auto entries = wire::decode_restore_batch(batch(), UINT64_MAX, 100, data);
    REQUIRE(entries.size() == 4);
    REQUIRE(data.size() == 4 * kBlock);
    const uint8_t* expect[] = {first.data() + 63 * kBlock, second.data() + 2 * kBlock, first.data(), first.data()};
    for (size_t i = 0; i < 4; ++i) {
        CHECK(entries[i].index == wanted[i].index);
        CHECK(std::memcmp(data.data() + i * kBlock, expect[i], kBlock) == 0);
    }
    SECTION("a block whose hash is another's") { wanted[2].hash = h1[1]; }
    SECTION("a slot past its frame") { wanted[1].slot = 3; }
    SECTION("a frame the batch does not have") { wanted[0].frame = 2; }
    SECTION("blocks out of order") { wanted[3].index = 12; }
    CHECK(error_code_of([&] { wire::decode_restore_batch(batch(), UINT64_MAX, 100, data); }) ==
          Errc::corrupted);
}
