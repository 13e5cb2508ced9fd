// PrlApi_Create*List, PrlStrList_*, PrlHndlList_*, PrlOpTypeList_* through the C API.
#include "capi.h"

#include <cstring>

using capi::Handle;

TEST_CASE("strings list: add, read with the buffer rule, remove", "[list]") {
    capi::Api api;
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(list, "alpha"));
    REQUIRE_PRL_OK(PrlStrList_AddItem(list, "\xc3\xa9t\xc3\xa9"));
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(list, &count));
    REQUIRE(count == 2);
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(list, 1, b, l); }) ==
            "\xc3\xa9t\xc3\xa9");
    char small[3];
    PRL_UINT32 len = sizeof small;
    REQUIRE_PRL(PrlStrList_GetItem(list, 0, small, &len), PRL_ERR_BUFFER_OVERRUN);
    REQUIRE(len == 6);
    REQUIRE_PRL(PrlStrList_GetItem(list, 2, nullptr, &len), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStrList_GetItem(list, 0, nullptr, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlStrList_AddItem(list, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlStrList_RemoveItem(list, 0));
    REQUIRE_PRL(PrlStrList_RemoveItem(list, 1), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(list, &count));
    REQUIRE(count == 1);
    REQUIRE_PRL(PrlApi_CreateStringsList(nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("strings list takes a 1 MiB string and non-UTF-8 bytes unchanged", "[list]") {
    capi::Api api;
    Handle list;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(list.out()));
    std::string big(1 << 20, 'q');
    REQUIRE_PRL_OK(PrlStrList_AddItem(list, big.c_str()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(list, "\xff\xfe"));
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(list, 0, b, l); }) == big);
    REQUIRE(capi::get_string([&](PRL_STR b, PRL_UINT32_PTR l) { return PrlStrList_GetItem(list, 1, b, l); }) ==
            "\xff\xfe");
}

TEST_CASE("handles list: adding takes a reference, GetItem gives a new one", "[list]") {
    capi::Api api;
    Handle list, inner;
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(list.out()));
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(inner.out()));
    REQUIRE_PRL_OK(PrlStrList_AddItem(inner, "kept"));
    REQUIRE_PRL_OK(PrlHndlList_AddItem(list, inner));
    PRL_HANDLE raw = inner.release();
    REQUIRE_PRL_OK(PrlHandle_Free(raw));  // the list still holds it
    Handle item;
    REQUIRE_PRL_OK(PrlHndlList_GetItem(list, 0, item.out()));
    PRL_UINT32 count = 0;
    REQUIRE_PRL_OK(PrlStrList_GetItemsCount(item, &count));
    REQUIRE(count == 1);
    REQUIRE_PRL(PrlHndlList_GetItem(list, 1, item.out()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlHndlList_AddItem(list, PRL_INVALID_HANDLE), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlHndlList_AddItem(list, capi::forged_handle()), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlHndlList_GetItem(list, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlHndlList_RemoveItem(list, 0));
    REQUIRE_PRL_OK(PrlHndlList_GetItemsCount(list, &count));
    REQUIRE(count == 0);
    REQUIRE_PRL(PrlHndlList_RemoveItem(list, 0), PRL_ERR_INVALID_ARG);
}

TEST_CASE("op-type list: fixed-size items", "[list]") {
    capi::Api api;
    Handle list;
    REQUIRE_PRL(PrlApi_CreateOpTypeList(list.out(), 3), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL_OK(PrlApi_CreateOpTypeList(list.out(), sizeof(PRL_UINT32)));
    PRL_SIZE size = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetTypeSize(list, &size));
    REQUIRE(size == 4);
    for (PRL_UINT32 v : {10u, 20u, 30u}) REQUIRE_PRL_OK(PrlOpTypeList_AddItem(list, &v));
    PRL_UINT32 v = 0, count = 0;
    REQUIRE_PRL_OK(PrlOpTypeList_GetItem(list, 2, &v));
    REQUIRE(v == 30);
    REQUIRE_PRL_OK(PrlOpTypeList_RemoveItem(list, 0));
    REQUIRE_PRL_OK(PrlOpTypeList_GetItem(list, 0, &v));
    REQUIRE(v == 20);
    REQUIRE_PRL_OK(PrlOpTypeList_GetItemsCount(list, &count));
    REQUIRE(count == 2);
    REQUIRE_PRL(PrlOpTypeList_GetItem(list, 2, &v), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOpTypeList_GetItem(list, 0, nullptr), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOpTypeList_AddItem(list, nullptr), PRL_ERR_INVALID_ARG);
}

TEST_CASE("list functions reject invalid, freed, forged and wrong-type handles", "[list]") {
    capi::Api api;
    Handle str, hnd, op, job(PrlVm_MigrateCancel(PRL_INVALID_HANDLE));
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(str.out()));
    REQUIRE_PRL_OK(PrlApi_CreateHandlesList(hnd.out()));
    REQUIRE_PRL_OK(PrlApi_CreateOpTypeList(op.out(), 8));
    PRL_HANDLE freed;
    REQUIRE_PRL_OK(PrlApi_CreateStringsList(&freed));
    REQUIRE_PRL_OK(PrlHandle_Free(freed));
    PRL_UINT32 n, len = 0;
    PRL_SIZE sz;
    PRL_UINT64 item = 0;
    PRL_HANDLE h;
    for (PRL_HANDLE bad : {PRL_HANDLE(PRL_INVALID_HANDLE), freed, capi::forged_handle(), job.get()}) {
        REQUIRE_PRL(PrlStrList_GetItemsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlStrList_AddItem(bad, "x"), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlStrList_GetItem(bad, 0, nullptr, &len), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlStrList_RemoveItem(bad, 0), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHndlList_GetItemsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHndlList_AddItem(bad, str), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHndlList_GetItem(bad, 0, &h), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlHndlList_RemoveItem(bad, 0), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOpTypeList_GetItemsCount(bad, &n), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOpTypeList_AddItem(bad, &item), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOpTypeList_GetItem(bad, 0, &item), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOpTypeList_RemoveItem(bad, 0), PRL_ERR_INVALID_ARG);
        REQUIRE_PRL(PrlOpTypeList_GetTypeSize(bad, &sz), PRL_ERR_INVALID_ARG);
    }
    // Each list type refuses the others.
    REQUIRE_PRL(PrlStrList_GetItemsCount(hnd, &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlHndlList_GetItemsCount(op, &n), PRL_ERR_INVALID_ARG);
    REQUIRE_PRL(PrlOpTypeList_GetItemsCount(str, &n), PRL_ERR_INVALID_ARG);
}
