// PrlApi_Create*List, PrlStrList_*, PrlHndlList_*, PrlOpTypeList_*.
#include "boundary.h"
#include "copy_out.h"

#include "core/lists.h"

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlApi_CreateStringsList(PRL_HANDLE_PTR phStringsList) {
    return sync([&] {
        give(std::make_shared<StringsList>(), out_ptr(phStringsList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlStrList_GetItemsCount(PRL_HANDLE hStringsList, PRL_UINT32_PTR pnItemsCount) {
    return sync([&] {
        auto list = handle_cast<StringsList>(hStringsList);
        *out_ptr(pnItemsCount) = static_cast<PRL_UINT32>(list->size());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlStrList_AddItem(PRL_HANDLE hStringsList, PRL_CONST_STR sItem) {
    return sync([&] {
        auto list = handle_cast<StringsList>(hStringsList);
        require(sItem != nullptr);
        list->add(sItem);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlStrList_GetItem(PRL_HANDLE hStringsList, PRL_UINT32 nItemIndex, PRL_STR sItemBuf,
                              PRL_UINT32_PTR pnItemBufSize) {
    return sync([&] {
        auto list = handle_cast<StringsList>(hStringsList);
        out_ptr(pnItemBufSize);
        return copy_out(list->at(nItemIndex), sItemBuf, pnItemBufSize);
    });
}

PRL_RESULT PrlStrList_RemoveItem(PRL_HANDLE hStringsList, PRL_UINT32 nItemIndex) {
    return sync([&] {
        handle_cast<StringsList>(hStringsList)->remove(nItemIndex);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_CreateHandlesList(PRL_HANDLE_PTR phHandlesList) {
    return sync([&] {
        give(std::make_shared<HandlesList>(), out_ptr(phHandlesList));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHndlList_GetItemsCount(PRL_HANDLE hHandlesList, PRL_UINT32_PTR pnItemsCount) {
    return sync([&] {
        auto list = handle_cast<HandlesList>(hHandlesList);
        *out_ptr(pnItemsCount) = static_cast<PRL_UINT32>(list->size());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHndlList_AddItem(PRL_HANDLE hHandlesList, PRL_HANDLE hItem) {
    return sync([&] {
        auto list = handle_cast<HandlesList>(hHandlesList);
        auto item = handle_cast<Object>(hItem);
        list->add(item.share());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHndlList_GetItem(PRL_HANDLE hHandlesList, PRL_UINT32 nItemIndex, PRL_HANDLE_PTR phItem) {
    return sync([&] {
        auto list = handle_cast<HandlesList>(hHandlesList);
        out_ptr(phItem);
        give(list->at(nItemIndex), phItem);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlHndlList_RemoveItem(PRL_HANDLE hHandlesList, PRL_UINT32 nItemIndex) {
    return sync([&] {
        handle_cast<HandlesList>(hHandlesList)->remove(nItemIndex);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_CreateOpTypeList(PRL_HANDLE_PTR phOpTypeList, PRL_SIZE nTypeSize) {
    return sync([&] {
        out_ptr(phOpTypeList);
        give(std::make_shared<OpTypeList>(nTypeSize), phOpTypeList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOpTypeList_GetItemsCount(PRL_HANDLE hOpTypeList, PRL_UINT32_PTR pnItemsCount) {
    return sync([&] {
        auto list = handle_cast<OpTypeList>(hOpTypeList);
        *out_ptr(pnItemsCount) = static_cast<PRL_UINT32>(list->size());
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOpTypeList_AddItem(PRL_HANDLE hOpTypeList, PRL_CONST_VOID_PTR pnItem) {
    return sync([&] {
        auto list = handle_cast<OpTypeList>(hOpTypeList);
        require(pnItem != nullptr);
        list->add(pnItem);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOpTypeList_GetItem(PRL_HANDLE hOpTypeList, PRL_UINT32 nItemIndex, PRL_VOID_PTR pnItem) {
    return sync([&] {
        auto list = handle_cast<OpTypeList>(hOpTypeList);
        require(pnItem != nullptr);
        list->get(nItemIndex, pnItem);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOpTypeList_RemoveItem(PRL_HANDLE hOpTypeList, PRL_UINT32 nItemIndex) {
    return sync([&] {
        handle_cast<OpTypeList>(hOpTypeList)->remove(nItemIndex);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlOpTypeList_GetTypeSize(PRL_HANDLE hOpTypeList, PRL_SIZE_PTR pnTypeSize) {
    return sync([&] {
        auto list = handle_cast<OpTypeList>(hOpTypeList);
        *out_ptr(pnTypeSize) = static_cast<PRL_SIZE>(list->type_size());
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
