// What prlshimd and its clients read from the wire before anything else:
// the frame reader, fed the input in pieces (the first byte picks their
// size), then each control frame as a packet, its data as a record or a
// progress element.
// Invariants: the only refusals are FrameError and service::Error(corrupt);
// keepalive frames never come out of the reader;
// nothing is buffered past a frame's limit; an accepted packet or record
// written out again reads back the same.
#include "remote/packet.h"
#include "remote/record.h"
#include "remote/wire.h"

#include "store/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace prl::remote;
using prl::service::Errc;
using prl::service::Error;

namespace {

void check_corrupt(const Error& e) {
    if (e.code() != Errc::corrupt) {
        std::fprintf(stderr, "unexpected error code: %s\n", e.what());
        std::abort();
    }
}

void check_packet(const std::string& payload) {
    Packet p;
    try {
        p = parse_packet(payload);
    } catch (const Error& e) {
        check_corrupt(e);
        return;
    }
    try {
        const std::string text = packet_xml(p);
        // Escaping may grow a packet read at the size limit past it.
        if (text.size() > (1u << 20)) return;
        const Packet again = parse_packet(text);
        if (again.id != p.id || again.target != p.target || again.origin != p.origin || again.data != p.data ||
            again.progress != p.progress || again.log != p.log)
            std::abort();
    } catch (const Error& e) {
        std::fprintf(stderr, "own packet does not parse back: %s\n", e.what());
        std::abort();
    }
    try {
        const Record r = Record::parse(p.data);
        if (Record::parse(r.xml()).xml() != r.xml()) std::abort();
    } catch (const Error& e) {
        check_corrupt(e);
    }
    try {
        (void)parse_progress_data(p.data).text();
    } catch (const Error& e) {
        check_corrupt(e);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    FrameReader reader;
    try {
        for (std::size_t at = 0; at < bytes.size(); at += piece) {
            reader.feed(std::string_view(bytes).substr(at, piece));
            if (reader.pending_bytes() > max_frame_payload + 5 + piece) std::abort();
            while (auto frame = reader.next()) {
                if (frame->kind == FrameKind::keepalive) std::abort();  // dropped by the reader
                if (frame->kind == FrameKind::control) check_packet(frame->payload);
            }
        }
    } catch (const FrameError&) {
    }
    return 0;
}
