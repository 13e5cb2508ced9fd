/* Minimal checking for the plain-C tests: CHECK_RC prints the library's own
 * text for an unexpected code; check_summary() prints "N passed, M failed". */
#ifndef PRLSHIM_TEST_CHECK_H
#define PRLSHIM_TEST_CHECK_H

#include <Virtuozzo.h>
#include <stdio.h>

static int check_passed = 0, check_failed = 0;

static void check_report(int ok, const char* expr, const char* file, int line) {
    if (ok) {
        ++check_passed;
    } else {
        ++check_failed;
        printf("%s:%d: CHECK failed: %s\n", file, line, expr);
    }
}

static void check_rc(PRL_RESULT got, PRL_RESULT want, const char* expr, const char* file, int line) {
    char text[512];
    PRL_UINT32 len = sizeof text;
    if (got == want) {
        ++check_passed;
        return;
    }
    ++check_failed;
    if (PRL_FAILED(PrlApi_GetResultDescription(got, PRL_FALSE, PRL_FALSE, text, &len))) text[0] = 0;
    printf("%s:%d: %s gave 0x%08X (%s), expected 0x%08X\n", file, line, expr, (unsigned)got, text, (unsigned)want);
}

#define CHECK(expr) check_report((expr) ? 1 : 0, #expr, __FILE__, __LINE__)
#define CHECK_RC(expr, want) check_rc((expr), (want), #expr, __FILE__, __LINE__)
#define CHECK_OK(expr) CHECK_RC(expr, PRL_ERR_SUCCESS)

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
