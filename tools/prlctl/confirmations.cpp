#include "confirmations.h"

#include <algorithm>

namespace prlctl {
namespace {

void check(PRL_RESULT rc, const char* what) {
    if (PRL_FAILED(rc)) throw Error{rc, std::string(what) + ": " + result_text(rc)};
}

}  // namespace

void edit_confirmations(PRL_HANDLE list, const std::vector<std::pair<PRL_ALLOWED_VM_COMMAND, bool>>& changes) {
    PRL_UINT32 n = 0;
    check(PrlOpTypeList_GetItemsCount(list, &n), "PrlOpTypeList_GetItemsCount");
    std::vector<PRL_ALLOWED_VM_COMMAND> present(n);
    for (PRL_UINT32 i = 0; i < n; ++i) check(PrlOpTypeList_GetItem(list, i, &present[i]), "PrlOpTypeList_GetItem");
    std::vector<PRL_UINT32> removed;
    for (auto [command, on] : changes) {
        const auto at = std::find(present.begin(), present.end(), command);
        if (on && at == present.end())
            check(PrlOpTypeList_AddItem(list, &command), "PrlOpTypeList_AddItem");
        else if (!on && at != present.end())
            removed.push_back(static_cast<PRL_UINT32>(at - present.begin()));
    }
    // From the end, once each, so the indexes stay valid.
    std::sort(removed.rbegin(), removed.rend());
    removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
    for (PRL_UINT32 i : removed) check(PrlOpTypeList_RemoveItem(list, i), "PrlOpTypeList_RemoveItem");
}

}  // namespace prlctl
