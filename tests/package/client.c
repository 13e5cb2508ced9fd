/* A minimal SDK client, as existing software includes it. */
#include <Parallels.h>
#include <stdio.h>

int main(void) {
    PRL_UINT32 version = 0;
    PRL_RESULT rc = PrlApi_InitEx(PARALLELS_API_VER, PAM_SERVER, 0, 0);
    if (PRL_FAILED(rc)) return 1;
    if (PRL_FAILED(PrlApi_GetVersion(&version)) || version != VIRTUOZZO_API_VER) return 2;
    if (PRL_FAILED(PrlApi_Deinit())) return 3;
    printf("client: SDK version 0x%x\n", version);
    return 0;
}
