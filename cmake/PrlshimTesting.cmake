# prlshim_catch_test(NAME SOURCES ... LIBS ... [LABEL label])  (default label: unit)
# A Catch2 executable; each TEST_CASE becomes its own ctest entry so `ctest -j`
# parallelises. Every test gets its own PRLSHIM_HOME (tests never touch $HOME):
# tests/support/test_home.h creates and removes it.
# Catch2's main, compiled once for every test executable (it is the heaviest
# translation unit of the test suite).
if(NOT TARGET prlshim_catch_main)
  add_library(prlshim_catch_main OBJECT ${PROJECT_SOURCE_DIR}/tests/support/catch_main.cpp)
  target_link_libraries(prlshim_catch_main PUBLIC Catch2::Catch2)
  # The test runner is not what the tests are about: unoptimised and never
  # instrumented, it compiles in half the time (it is single-threaded, so
  # TSan loses nothing by not seeing it).
  target_compile_options(prlshim_catch_main PRIVATE -O0 -g0 -fno-sanitize=all)
endif()

function(prlshim_catch_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABEL AND T_LABELS)
    list(GET T_LABELS 0 T_LABEL)  # discovered tests take one label
  endif()
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  add_executable(${name} ${T_SOURCES} $<TARGET_OBJECTS:prlshim_catch_main>)
  target_link_libraries(${name} PRIVATE ${T_LIBS} Catch2::Catch2 prlshim_warnings)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  # Catch2's single header costs about 2 s of parsing per test source, in
  # each of the three trees CI builds (plain, ASan, TSan): parse it once.
  target_precompile_headers(${name} PRIVATE <catch2/catch.hpp>)
  # A name that runs no test case passes silently in Catch2 (a ';' in a test
  # name splits it into two such names): that is a failure.
  catch_discover_tests(${name} TEST_PREFIX "${name}:" PROPERTIES LABELS ${T_LABEL}
    ENVIRONMENT "HOME=/nonexistent/prlshim-tests-must-not-use-home"
    FAIL_REGULAR_EXPRESSION "No test cases matched")
endfunction()
