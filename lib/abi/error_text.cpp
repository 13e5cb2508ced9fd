#include "error_text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace prl::abi {
namespace {

struct Row {
    PRL_RESULT code;
    const char* name;
    const char* brief;
    const char* text;
};

// Sorted by code; one row per value (generated from lib/abi/defs).
constexpr Row kRows[] = {
#include "error_table.inc"
};

const Row* find(PRL_RESULT code) noexcept {
    const Row* end = std::end(kRows);
    const Row* it = std::lower_bound(std::begin(kRows), end, code,
                                     [](const Row& r, PRL_RESULT c) { return r.code < c; });
    return (it != end && it->code == code) ? it : nullptr;
}

bool starts_with(const char* s, const char* prefix) { return std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

}  // namespace

const char* result_name(PRL_RESULT code) noexcept {
    const Row* r = find(code);
    return r ? r->name : "";
}

std::string result_description(PRL_RESULT code, bool brief) {
    if (const Row* r = find(code)) return brief ? r->brief : r->text;
    char text[96];
    std::snprintf(text, sizeof text, "Unknown %s code 0x%08X.", PRL_FAILED(code) ? "error" : "result",
                  static_cast<unsigned>(code));
    return text;
}

PRL_MESSAGE_TYPE_ENUM message_type(PRL_RESULT code) noexcept {
    const char* name = result_name(code);
    if (starts_with(name, "PRL_WARN_")) return PMT_WARNING;
    if (starts_with(name, "PET_QUESTION_") || starts_with(name, "PRL_QUESTION_")) return PMT_QUESTION;
    if (starts_with(name, "PRL_INFO_")) return PMT_INFORMATION;
    if (starts_with(name, "PET_ANSWER_")) return PMT_ANSWER;
    return PRL_FAILED(code) ? PMT_CRITICAL : PMT_INFORMATION;
}

bool message_can_be_ignored(PRL_RESULT code) noexcept {
    const PRL_MESSAGE_TYPE_ENUM t = message_type(code);
    return t == PMT_WARNING || t == PMT_INFORMATION;
}

}  // namespace prl::abi
