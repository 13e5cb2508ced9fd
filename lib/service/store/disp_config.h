// The dispatcher configuration of a state root: the product's
// dispatcher.xml (DispConfig.xsd, root element VirtuozzoPreferences), kept
// whole as an XmlTree so every element survives a round trip. Two parts are
// read and written through the SDK: the common preferences
// (ServerSettings/CommonPreferences, a PHT_DISP_CONFIG) and the users
// (ServerSettings/UsersPreferences/VirtuozzoUser, a PHT_USER_PROFILE each).
//
// Writers take the root's dispatcher lock, re-read the file and write it back
// atomically, as the inventory does. A section is read together with its
// revision (a hash of its serialized form); an update based on another
// revision is refused, which is how the SDK's edit-conflict check is made.
// See docs/dispatcher-config.md.
#pragma once
#include "state_root.h"
#include "xml_tree.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prl::service {

struct DispSection {
    XmlTree tree;               // the section's element (CommonPreferences, VirtuozzoUser)
    std::uint64_t revision = 0; // of the section when it was read
};

// The OS user the embedded service runs as (getuid/getpwuid).
struct OsUser {
    unsigned uid = 0;
    std::string name;
    std::string home;
};
OsUser current_os_user();

class DispConfigStore {
public:
    explicit DispConfigStore(const StateRoot& root);

    // The file is made on first use (with the product's defaults and the
    // current OS user); so is a record for a user who has none yet.
    DispSection common_prefs() const;
    // Stores `prefs` as the new CommonPreferences if they are still at
    // `based_on`; false (nothing written) otherwise.
    bool update_common_prefs(const XmlTree& prefs, std::uint64_t based_on);

    std::vector<XmlTree> users() const;
    // The current OS user's VirtuozzoUser element.
    DispSection current_user() const;
    // Replaces the user element with the same Uuid if that is still at
    // `based_on`; false otherwise (throws not_found for an unknown user).
    bool update_user(const XmlTree& user, std::uint64_t based_on);

    // Paths the defaults name: the VM and CT directories, the backups.
    std::string default_vm_dir() const;
    std::string default_ct_dir() const;
    std::string default_backup_dir() const;

private:
    XmlTree load_or_create() const;
    XmlTree defaults() const;

    StateRoot root_;
};

// Element names of the document (DispConfig.xsd).
namespace disp_xml {
inline constexpr const char* root = "VirtuozzoPreferences";
inline constexpr const char* common = "ServerSettings/CommonPreferences";
inline constexpr const char* users = "ServerSettings/UsersPreferences";
inline constexpr const char* user = "VirtuozzoUser";
}  // namespace disp_xml

}  // namespace prl::service
