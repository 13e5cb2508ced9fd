// Keeps the API promise that only prl::backup::Error (and std::bad_alloc)
// leaves the library: anything else a standard facility throws is mapped.
#pragma once
#include "error.h"

#include <filesystem>
#include <new>
#include <system_error>

namespace prl::backup {

template <class F>
auto guard_errors(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::system_error& e) {  // includes std::filesystem::filesystem_error
        const bool full = e.code() == std::errc::no_space_on_device;
        throw Error(full ? Errc::no_space : Errc::io_error, e.what());
    } catch (const std::exception& e) {
        throw Error(Errc::io_error, e.what());
    }
}

}  // namespace prl::backup
