#include "error_record.h"

#include "backup/error.h"
#include "store/error.h"

#include <cstring>
#include <new>

namespace prl::remote {
namespace {

Record error(const char* domain, const char* code, const char* message) {
    Record r("error");
    r.add("domain", domain).add("code", code).add("message", message);
    return r;
}

std::optional<service::Errc> service_errc(const std::string& name) {
#define PRLSHIM_ERRC_FROM_NAME(code, result) \
    if (name == #code) return service::Errc::code;
    PRLSHIM_SERVICE_ERRC_LIST(PRLSHIM_ERRC_FROM_NAME)
#undef PRLSHIM_ERRC_FROM_NAME
    return std::nullopt;
}

std::optional<backup::Errc> backup_errc(const std::string& name) {
    for (int i = 0; i <= static_cast<int>(backup::Errc::vm_mismatch); ++i)
        if (name == backup::errc_name(static_cast<backup::Errc>(i))) return static_cast<backup::Errc>(i);
    return std::nullopt;
}

}  // namespace

Record current_error_record() {
    try {
        throw;
    } catch (const service::Error& e) {
        return error("service", service::errc_name(e.code()), e.what());
    } catch (const backup::Error& e) {
        return error("backup", backup::errc_name(e.code()), e.what());
    } catch (const std::bad_alloc&) {
        return error("system", "out_of_memory", "out of memory on the server");
    } catch (const std::exception& e) {
        return error("system", "unexpected", e.what());
    } catch (...) {
        return error("system", "unexpected", "unexpected failure on the server");
    }
}

void throw_error_record(const Record& r) {
    const std::string domain = r.get("domain"), code = r.get("code"), message = r.get("message");
    if (domain == "service") {
        if (auto c = service_errc(code)) throw service::Error(*c, message);
    } else if (domain == "backup") {
        if (auto c = backup_errc(code)) throw backup::Error(*c, message);
    } else if (domain == "system" && code == "out_of_memory") {
        throw std::bad_alloc();
    }
    // An unexpected failure on the server stays one here.
    throw std::runtime_error("prlshimd: " + message);
}

}  // namespace prl::remote
