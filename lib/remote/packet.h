// prlshimd's control packets (docs/protocol.md): the Agent protocol's
// envelope, <packet id= version= [progress="on"] [log="on"]> with a target,
// an origin and the operation's data; and its progress packets.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace prl::remote {

constexpr const char* protocol_version = "4.0.0";

struct Packet {
    std::string id;                 // the sender's id; an answer echoes its request's
    std::string version = protocol_version;
    bool progress = false;          // progress="on": send progress packets for it
    bool log = false;               // log="on": also record each step in the history
    std::string target, origin;     // the module addressed / answering
    std::string data;               // the <data> element's content, as XML text
};

// Throws prl::service::Error(corrupt) for anything that is not a packet:
// malformed XML, a DTD, another root, a missing or overlong id or target,
// a version other than protocol_version, an encoding other than UTF-8.
// `data` is the first <data>'s content exactly as its bytes came.
Packet parse_packet(const std::string& xml);
// `packet.data` must be well-formed XML content (ours, or data that
// parse_packet accepted): it is written as it is, unchecked, so that a
// packet costs no parse to send. Anything else makes a packet its
// receiver refuses.
std::string packet_xml(const Packet& packet);

// One step of a long operation: the product's progress element.
struct Progress {
    std::string op;                          // "module.operation"
    std::optional<unsigned> percent;         // 0..100
    std::optional<int> status;
    std::string message;                     // a template: "Operation %op_name% is %status%"
    std::vector<std::pair<std::string, std::string>> parameters;  // name -> value (base64 on the wire)

    // The message with each %name% replaced by its parameter's value.
    std::string text() const;
};

// The <data> content of a progress packet, and back (corrupt on a bad one:
// a percent over 100, a parameter that is not base64).
std::string progress_data(const Progress& progress);
Progress parse_progress_data(const std::string& data_xml);

}  // namespace prl::remote
