// zstd contexts kept by each thread: one-shot ZSTD_compress/ZSTD_decompress
// would allocate and set up a context for every frame.
#pragma once
#include <zstd.h>

namespace prl::backup {

ZSTD_CCtx* thread_zstd_cctx();  // never null (std::bad_alloc)
ZSTD_DCtx* thread_zstd_dctx();  // never null (std::bad_alloc)

}  // namespace prl::backup
