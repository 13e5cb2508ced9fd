// Another host named on the command line ("user[:password]@server[:port]",
// as the product's tools read it) and a session on it. prlctl's backup
// actions take one for --storage and -l, prlsrvctl set for the default
// backup storage.
#pragma once

#include "common.h"

#include <string>

namespace prlctl {

// A "user[:password]@server[:port]" argument.
struct Remote {
    std::string user, password, server;
    bool has_password = false;
    int port = 0;
    bool given() const { return !server.empty(); }
    bool local() const {
        return server.empty() || server == "localhost" || server == "localhost.localdomain" || server == "127.0.0.1";
    }
};

// Reads "user[[:passwd]@server[:port]]" as the product does (the user
// defaults to root); false when the server or the user is missing.
bool parse_remote(const std::string& text, Remote& r);

// A session on a host: the server handle and the session id a backup call
// passes for it.
struct Connection {
    Handle server;
    std::string session_id;
};
// Logs in to `r` (locally when it names this host), asking for a password
// on the terminal when `r` has none. Throws Error("Login failed: ...").
Connection connect(const Remote& r);

}  // namespace prlctl
