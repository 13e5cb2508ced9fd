#include "zstd_context.h"

#include <memory>
#include <new>

namespace prl::backup {

ZSTD_CCtx* thread_zstd_cctx() {
    thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
    if (!ctx) throw std::bad_alloc();
    return ctx.get();
}

ZSTD_DCtx* thread_zstd_dctx() {
    thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!ctx) throw std::bad_alloc();
    return ctx.get();
}

}  // namespace prl::backup
