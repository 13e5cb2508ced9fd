// Descriptions of PRL_RESULT codes, from the generated error table.
#pragma once

#include <PrlEnums.h>
#include <PrlErrors.h>

#include <string>

namespace prl::abi {

// The code's constant name, or "" when the table has no such code.
const char* result_name(PRL_RESULT code) noexcept;
std::string result_description(PRL_RESULT code, bool brief);
PRL_MESSAGE_TYPE_ENUM message_type(PRL_RESULT code) noexcept;
bool message_can_be_ignored(PRL_RESULT code) noexcept;

}  // namespace prl::abi
