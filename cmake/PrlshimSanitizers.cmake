# PRLSHIM_SANITIZE=address builds everything with ASan+UBSan; =thread with TSan.
# The test suite labels sanitizer-relevant tests; CI runs an ASan build of them.
if(PRLSHIM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # C programs load the C++ library: they need UBSan's C++ runtime too,
    # and the C++ ABI library it uses.
    add_link_options(-fsanitize-link-c++-runtime)
    string(APPEND CMAKE_C_STANDARD_LIBRARIES " -lstdc++")
  endif()
elseif(PRLSHIM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT PRLSHIM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PRLSHIM_SANITIZE must be empty, address or thread")
endif()
