# Warnings for prlshim's own code (not applied to consumers).
add_library(prlshim_warnings INTERFACE)
target_compile_options(prlshim_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align -Wformat=2
  $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast -Woverloaded-virtual>)
