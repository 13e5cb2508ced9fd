# PRLSHIM_SANITIZE=address builds everything with ASan+UBSan; =thread with TSan.
# The test suite labels sanitizer-relevant tests; CI runs an ASan build of them.
if(PRLSHIM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(PRLSHIM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT PRLSHIM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PRLSHIM_SANITIZE must be empty, address or thread")
endif()
