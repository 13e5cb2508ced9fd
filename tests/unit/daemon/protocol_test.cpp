// prlshimd's framing and control packets (docs/protocol.md).
#include <algorithm>
#include "errc_of.h"
#include "remote/packet.h"
#include "remote/record.h"
#include "remote/wire.h"
#include "store/error.h"

#include <catch2/catch.hpp>

using namespace prl::remote;
using prl::service::Errc;
using prl::service::Error;

namespace {

using daemon_test::errc_of;

}  // namespace

TEST_CASE("frames: encoded, then read back whole however the bytes arrive") {
    const std::string control = "<packet/>";
    const std::string bulk(70000, '\xAB');
    const std::string stream = encode_frame(FrameKind::control, control) + encode_frame(FrameKind::data, bulk) +
                               encode_frame(FrameKind::data, "");
    CHECK(stream.substr(0, 5) == std::string("\x00\x00\x00\x0A\x01", 5));  // length counts the kind byte
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, stream.size()}) {
        FrameReader reader;
        for (std::size_t at = 0; at < stream.size(); at += chunk) reader.feed(std::string_view(stream).substr(at, chunk));
        auto a = reader.next(), b = reader.next(), c = reader.next();
        REQUIRE(a);
        REQUIRE(b);
        REQUIRE(c);
        CHECK((a->kind == FrameKind::control && a->payload == control));
        CHECK((b->kind == FrameKind::data && b->payload == bulk));
        CHECK(c->payload.empty());
        CHECK_FALSE(reader.next());
        CHECK(reader.pending_bytes() == 0);
    }
}

TEST_CASE("frames: a large payload read straight into its place, in pieces, after bytes fed") {
    std::string bulk(1'000'003, '\0');
    for (std::size_t i = 0; i < bulk.size(); ++i) bulk[i] = static_cast<char>(i * 7 + i / 4096);
    const std::string stream = encode_frame(FrameKind::data, bulk) + encode_frame(FrameKind::control, "<next/>");
    FrameReader reader;
    reader.feed(std::string_view(stream).substr(0, 1000));  // the header and the payload's first bytes
    std::size_t at = 1000;
    while (reader.payload_missing() != 0) {
        CHECK(reader.pending_bytes() == at);
        const std::size_t n = reader.read_payload([&](char* to, std::size_t max) {
            const std::size_t k = std::min<std::size_t>({max, 16384, stream.size() - at});  // a TLS record at most
            std::copy_n(stream.data() + at, k, to);
            return k;
        });
        REQUIRE(n > 0);
        at += n;
    }
    CHECK(at == frame_header_bytes + bulk.size());
    reader.feed(std::string_view(stream).substr(at));
    auto a = reader.next(), b = reader.next();
    REQUIRE(a);
    REQUIRE(b);
    CHECK((a->kind == FrameKind::data && a->payload == bulk));
    CHECK(b->payload == "<next/>");
    CHECK(reader.pending_bytes() == 0);
}

TEST_CASE("frames: a payload given back lends its memory to the next large one, and nothing of its bytes") {
    FrameReader reader;
    std::string old(300'000, 'X');
    const char* const memory = old.data();
    reader.recycle(std::move(old));
    const std::string bulk(100'000, 'a'), small = "<small/>";
    const std::string stream =
        encode_frame(FrameKind::control, small) + encode_frame(FrameKind::data, bulk) + encode_frame(FrameKind::data, bulk);
    reader.feed(std::string_view(stream).substr(0, frame_header_bytes + small.size() + frame_header_bytes));
    std::size_t at = frame_header_bytes + small.size() + frame_header_bytes;
    while (reader.payload_missing() != 0)
        at += reader.read_payload([&](char* to, std::size_t max) {
            const std::size_t k = std::min<std::size_t>(max, 7000);
            std::copy_n(stream.data() + at, k, to);
            return k;
        });
    reader.feed(std::string_view(stream).substr(at));  // the second, fed in one piece
    auto a = reader.next(), b = reader.next(), c = reader.next();
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(c);
    CHECK(a->payload == small);  // a small payload gets a string of its own
    CHECK(b->payload == bulk);
    CHECK(b->payload.data() == memory);  // the given-back memory, without its old bytes
    CHECK(c->payload == bulk);  // nothing given back since: a string of its own
    CHECK(c->payload.data() != memory);
    reader.recycle(std::move(c->payload));
    reader.recycle(std::string(10, 'y'));  // smaller: the bigger one is kept
    reader.feed(encode_frame(FrameKind::data, std::string(70'000, 'b')));
    auto d = reader.next();
    REQUIRE(d);
    CHECK(d->payload == std::string(70'000, 'b'));
}

TEST_CASE("frames: a bad header is refused before its payload is buffered") {
    FrameReader huge;
    CHECK_THROWS_AS(huge.feed(std::string("\x7F\xFF\xFF\xFF\x02", 5)), FrameError);  // 2 GiB announced
    FrameReader zero;
    CHECK_THROWS_AS(zero.feed(std::string("\x00\x00\x00\x00\x01", 5)), FrameError);
    FrameReader kind;
    CHECK_THROWS_AS(kind.feed(std::string("\x00\x00\x00\x01\x09", 5)), FrameError);
    CHECK_THROWS_AS(encode_frame(FrameKind::data, std::string(max_frame_payload + 1, 'x')), FrameError);
    FrameReader partial;  // a header alone waits for its payload
    partial.feed(std::string("\x00\x00\x00\x04\x02" "ab", 7));
    CHECK_FALSE(partial.next());
    CHECK(partial.pending_bytes() == 7);
}

TEST_CASE("packets: the Agent envelope, with progress and log on request") {
    Packet p;
    p.id = "2";
    p.progress = true;
    p.log = true;
    p.target = "backupm";
    p.data = "<backupm><backup_env><env_list><eid>{1234}</eid></env_list></backup_env></backupm>";
    const std::string text = packet_xml(p);
    CHECK(text.find("progress=\"on\"") != std::string::npos);
    CHECK(text.find("version=\"4.0.0\"") != std::string::npos);
    const Packet back = parse_packet(text);
    CHECK(back.id == "2");
    CHECK(back.progress);
    CHECK(back.log);
    CHECK(back.target == "backupm");
    CHECK(back.data == p.data);
    // Without the attributes, no progress is asked for.
    p.progress = p.log = false;
    const Packet quiet = parse_packet(packet_xml(p));
    CHECK_FALSE(quiet.progress);
    CHECK_FALSE(quiet.log);
}

TEST_CASE("packets: anything else is corrupt") {
    for (const std::string& text :
         {std::string("not xml"), std::string("<other id='1' version='4.0.0'><target>x</target></other>"),
          std::string("<packet version='4.0.0'><target>x</target></packet>"),       // no id
          std::string("<packet id='1' version='3.0'><target>x</target></packet>"),  // another version
          std::string("<packet id='1' version='4.0.0'/>"),                          // no target
          "<packet id='" + std::string(65, '1') + "' version='4.0.0'><target>x</target></packet>",
          std::string("<!DOCTYPE packet [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                      "<packet id='1' version='4.0.0'><target>&e;</target></packet>"),
          "<packet id='1' version='4.0.0'><target>x</target><data>" + std::string(2u << 20, 'a') + "</data></packet>",
          // An overlong target, in pieces (a comment splits its text).
          "<packet id='1' version='4.0.0'><target>t<!-- -->" + std::string(300, 't') + "</target></packet>"})
        CHECK(errc_of([&] { parse_packet(text); }) == Errc::corrupt);
    // Data that is not XML content goes out as it is, and is refused where it arrives.
    Packet bad;
    bad.id = "1";
    bad.target = "x";
    bad.data = "<unclosed>";
    CHECK(errc_of([&] { parse_packet(packet_xml(bad)); }) == Errc::corrupt);
    // Packets are UTF-8: their data is passed on as its bytes.
    CHECK(errc_of([&] {
              parse_packet("<?xml version='1.0' encoding='ISO-8859-1'?><packet id='1' version='4.0.0'><target>x</target>"
                           "<data><a>\xE9</a></data></packet>");
          }) == Errc::corrupt);
    // A hostile nesting is refused however the packet is read.
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "<d>";
    for (int i = 0; i < 40; ++i) deep += "</d>";
    CHECK(errc_of([&] { parse_packet("<packet id='1' version='4.0.0'><target>x</target><data>" + deep + "</data></packet>"); }) ==
          Errc::corrupt);
}

TEST_CASE("packets: data is passed on exactly as it came, whatever the tags around it look like") {
    const auto data_of = [](const std::string& text) { return parse_packet(text).data; };
    const std::string head = "<packet id='1' version='4.0.0'><target>x</target>";
    CHECK(data_of(head + "<data/></packet>").empty());
    CHECK(data_of(head + "<data></data></packet>").empty());
    CHECK(data_of(head + "<data  a='1' >  <r>&amp;&#65;</r> </data ></packet>") == "  <r>&amp;&#65;</r> ");
    // A comment, CDATA or nested <data> holding an end tag does not end it.
    CHECK(data_of(head + "<data><!-- </data> --><![CDATA[</data>]]><data>in</data></data></packet>") ==
          "<!-- </data> --><![CDATA[</data>]]><data>in</data>");
    // Only the first <data> counts, and only a child of <packet>.
    CHECK(data_of(head + "<other><data>no</data></other><data>yes</data><data>no</data></packet>") == "yes");
    // Attributes and fields read as the tree read them: references resolved.
    const Packet p = parse_packet("<?xml version='1.0' encoding='UTF-8'?>\n<packet version=\"4.0.0\" id=\"a&amp;b&#38;&lt;\">"
                                  "<origin>o<x>not</x>&gt;</origin><target>t&amp;u</target></packet>");
    CHECK(p.id == "a&b&<");
    CHECK(p.origin == "o>");
    CHECK(p.target == "t&u");
    // And what packet_xml writes reads back the same, escapes and all.
    Packet odd;
    odd.id = "<&\"\t\n>";
    odd.target = "t<&>";
    odd.origin = "o\"";
    odd.data = "<e a=\"&quot;\">&lt;</e>";
    const Packet back = parse_packet(packet_xml(odd));
    CHECK(back.id == odd.id);
    CHECK(back.target == odd.target);
    CHECK(back.origin == odd.origin);
    CHECK(back.data == odd.data);
}

TEST_CASE("progress: percent, status and a message whose parameters travel in base64") {
    Progress p;
    p.op = "backupm.backup_env";
    p.percent = 42;
    p.status = 1;
    p.message = "Operation %op_name% is %status%";
    p.parameters = {{"op_name", "backup_env"}, {"status", "started <&> \xC3\xA9"}};
    const std::string data = progress_data(p);
    CHECK(data.find("started") == std::string::npos);  // encoded, not in clear
    const Progress back = parse_progress_data(data);
    CHECK(back.op == p.op);
    CHECK(back.percent == 42u);
    CHECK(back.status == 1);
    CHECK(back.parameters == p.parameters);
    CHECK(back.text() == "Operation backup_env is started <&> \xC3\xA9");
    // A packet with only a percent, and a template naming an unknown parameter.
    Progress bare;
    bare.op = "vm.clone";
    bare.percent = 100;
    CHECK(parse_progress_data(progress_data(bare)).percent == 100u);
    bare.message = "%unknown% at 100%";
    CHECK(bare.text() == "%unknown% at 100%");
    CHECK(errc_of([] { parse_progress_data("<progress><op>x</op><percent>101</percent></progress>"); }) == Errc::corrupt);
    CHECK(errc_of([] {
              parse_progress_data("<progress><op>x</op><message><message>m</message><parameter><name>a</name>"
                                  "<message>@@@</message></parameter></message></progress>");
          }) == Errc::corrupt);
    CHECK(errc_of([] { parse_progress_data("<nothing/>"); }) == Errc::corrupt);
}

TEST_CASE("records: fields keep their bytes and order, names repeat") {
    const std::string binary("\0\xff<&>\"'\n", 8);
    Record call("call", "vm_set");
    call.add("uuid", "{a}").add("config", binary).add("uuid", "{b}").add("empty", "").add_uint("size", 1u << 31);
    const Record back = Record::parse(call.xml());
    CHECK(back.element() == "call");
    CHECK(back.op() == "vm_set");
    CHECK(back.get("config") == binary);
    CHECK(back.all("uuid") == std::vector<std::string>{"{a}", "{b}"});
    CHECK(back.get("empty").empty());
    CHECK(back.get_uint("size") == 1u << 31);
    CHECK_FALSE(back.find("absent"));
    CHECK(errc_of([&] { back.get("absent"); }) == Errc::corrupt);
    // As another writer may put it: a declaration, an empty field, references.
    const Record other = Record::parse("<?xml version='1.0'?><result><f n='a'/><f n='b'>a&#71;k=</f></result>");
    CHECK(other.get("a").empty());
    CHECK(other.get("b") == "hi");
    CHECK(Record::parse("<result/>").element() == "result");
    // A VM's largest configuration: 8 MiB, over 10 MB in base64.
    const std::string config(8u << 20, 'c');
    CHECK(Record::parse(Record("result").add("config", config).xml()).get("config") == config);
}

TEST_CASE("records: anything but an element of named base64 fields is corrupt") {
    for (const std::string& text :
         {std::string("not xml"), std::string(""), std::string("<Result/>"),              // a name outside [a-z0-9_]
          std::string("<call op='Ping'/>"), std::string("<call op='a b'/>"),               // bad op
          std::string("<result>text</result>"), std::string("<result> <f n='a'/></result>"),  // text between fields
          std::string("<result><!-- c --><f n='a'/></result>"),                            // a comment
          std::string("<result><?pi x?></result>"),                                        // a processing instruction
          std::string("<result><g n='a'/></result>"),                                      // not <f>
          std::string("<result><f/></result>"), std::string("<result><f n='A'/></result>"),  // bad field names
          std::string("<result><f n='a'>not base64!</f></result>"),
          std::string("<result><f n='a'><f n='b'/></f></result>"),                         // an element in a field
          std::string("<x:result xmlns:x='u'/>"),                                          // a prefixed element
          std::string("<!DOCTYPE r [<!ENTITY e 'x'>]><result><f n='a'>&e;</f></result>"),
          std::string("<result><f n='a'>aGk=</f>"),                                        // unclosed
          "<result><f n='a'>" + std::string(16u << 20, 'A') + "</f></result>"})            // over 15 MiB
        CHECK(errc_of([&] { Record::parse(text); }) == Errc::corrupt);
}
