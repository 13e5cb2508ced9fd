#include "pam_login.h"

#include <security/pam_appl.h>

#include <cstdlib>
#include <cstring>

namespace prl::daemon {
namespace {

struct Credentials {
    const std::string* user;
    const std::string* password;
};

// Answers PAM's prompts: the password where it asks for a secret, the user
// name where it asks for a visible answer; messages get no answer.
int converse(int count, const struct pam_message** messages, struct pam_response** out, void* data) {
    if (count <= 0 || count > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
    const auto* c = static_cast<const Credentials*>(data);
    auto* answers = static_cast<pam_response*>(std::calloc(static_cast<std::size_t>(count), sizeof(pam_response)));
    if (!answers) return PAM_BUF_ERR;
    for (int i = 0; i < count; ++i) {
        const std::string* text = nullptr;
        switch (messages[i]->msg_style) {
            case PAM_PROMPT_ECHO_OFF: text = c->password; break;
            case PAM_PROMPT_ECHO_ON: text = c->user; break;
            case PAM_ERROR_MSG:
            case PAM_TEXT_INFO: break;
            default:
                for (int j = 0; j < i; ++j) std::free(answers[j].resp);
                std::free(answers);
                return PAM_CONV_ERR;
        }
        if (text && !(answers[i].resp = ::strdup(text->c_str()))) {
            for (int j = 0; j < i; ++j) std::free(answers[j].resp);
            std::free(answers);
            return PAM_BUF_ERR;
        }
    }
    *out = answers;
    return PAM_SUCCESS;
}

}  // namespace

bool pam_verify(const std::string& service, const std::string& user, const std::string& password,
                const std::string& remote_host) {
    // C strings end at a NUL: a name or password holding one is not what PAM would check.
    if (user.empty() || user.size() > 256 || user.find('\0') != std::string::npos || password.find('\0') != std::string::npos)
        return false;
    Credentials credentials{&user, &password};
    const pam_conv conversation{converse, &credentials};
    pam_handle_t* pam = nullptr;
    if (pam_start(service.c_str(), user.c_str(), &conversation, &pam) != PAM_SUCCESS) return false;
    int rc = pam_set_item(pam, PAM_RHOST, remote_host.c_str());
    if (rc == PAM_SUCCESS) rc = pam_authenticate(pam, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    if (rc == PAM_SUCCESS) rc = pam_acct_mgmt(pam, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    pam_end(pam, rc);
    return rc == PAM_SUCCESS;
}

}  // namespace prl::daemon
