// The body of a prlshimd call, answer or error (docs/protocol.md): an
// element whose children are named fields, <f n="name">base64</f>, in order,
// a name possibly repeated. Values are bytes (base64 on the wire, so any
// text or nested record travels unchanged); numbers are decimal text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace prl::remote {

class Record {
public:
    Record() = default;
    explicit Record(std::string element, std::string op = {}) : element_(std::move(element)), op_(std::move(op)) {}

    const std::string& element() const { return element_; }  // "call", "result", "error", "login"
    const std::string& op() const { return op_; }            // the op attribute, for a call

    Record& add(const std::string& name, std::string value);
    Record& add_uint(const std::string& name, std::uint64_t value);
    Record& add_int(const std::string& name, std::int64_t value);
    Record& add_bool(const std::string& name, bool value) { return add(name, value ? "1" : "0"); }

    // The first field `name`; get* throw service::Error(corrupt) when it is
    // missing or not of the type asked.
    std::optional<std::string> find(const std::string& name) const;
    std::string get(const std::string& name) const;
    std::uint64_t get_uint(const std::string& name) const;
    std::int64_t get_int(const std::string& name) const;
    bool get_bool(const std::string& name) const;
    // Every field `name`, in order.
    std::vector<std::string> all(const std::string& name) const;

    std::string xml() const;
    // Throws service::Error(corrupt) on anything but such an element.
    static Record parse(const std::string& xml);
    struct RecordReader;  // parse's SAX handlers (record.cpp)

private:
    std::string element_, op_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace prl::remote
