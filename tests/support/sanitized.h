// Whether this test binary runs under AddressSanitizer or ThreadSanitizer
// (clang's or gcc's), for tests whose full-size runs take minutes there, or
// that measure memory the sanitizer's allocator holds on to.
#pragma once

namespace prl::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace prl::test
