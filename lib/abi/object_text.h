// The XML text of objects kept as events by the product (object_text.cpp).
#pragma once

#include "core/object.h"

#include <optional>
#include <string>

namespace prl {
class License;
class LoginResponse;
}  // namespace prl

namespace prl::abi {

std::string license_xml(const License& lic);
std::string login_response_xml(const LoginResponse& response);
// The text of a licence or login response; nothing for other objects.
std::optional<std::string> object_text(const Object& object);

}  // namespace prl::abi
