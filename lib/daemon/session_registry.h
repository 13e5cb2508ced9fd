// The sessions logged in to this prlshimd, by their session UUID, while
// their connection lasts. A backup source names the session its client
// opened on this node (PrlSrv_CreateVmBackup's sTargetSessionId, which
// prlctl --storage takes from the login response), and logs in with it
// instead of a password (docs/backup-node.md).
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace prl::daemon {

struct SessionLogin {
    std::string user;
    bool admin = false;
};

class SessionRegistry {
public:
    void add(const std::string& session, SessionLogin login);
    void remove(const std::string& session);
    std::optional<SessionLogin> find(const std::string& session) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, SessionLogin> sessions_;
};

}  // namespace prl::daemon
