# Generates the table-driven artefacts (lib/abi/gen/abigen.py) at build time
# into ${PRLSHIM_GENERATED_DIR}; hand-written public headers are copied next to
# the generated ones so that one directory holds the complete include tree.
set(PRLSHIM_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
set(PRLSHIM_GENERATED_INCLUDE_DIR ${PRLSHIM_GENERATED_DIR}/include/prlsdk)
set(_abigen ${PROJECT_SOURCE_DIR}/lib/abi/gen/abigen.py)
file(GLOB _defs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/abi/defs/*.tsv ${PROJECT_SOURCE_DIR}/lib/abi/defs/properties/*.tsv)
file(GLOB _gen_py CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/abi/gen/*.py)
file(GLOB PRLSHIM_HANDWRITTEN_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/prlsdk/*.h)

execute_process(COMMAND ${Python3_EXECUTABLE} ${_abigen} --list-headers
                OUTPUT_VARIABLE _headers OUTPUT_STRIP_TRAILING_WHITESPACE
                COMMAND_ERROR_IS_FATAL ANY)
set(PRLSHIM_GENERATED_HEADERS "")
foreach(h IN LISTS _headers)
  list(APPEND PRLSHIM_GENERATED_HEADERS ${PRLSHIM_GENERATED_INCLUDE_DIR}/${h})
endforeach()
set(PRLSHIM_PUBLIC_HEADERS ${PRLSHIM_GENERATED_HEADERS})
foreach(h IN LISTS PRLSHIM_HANDWRITTEN_HEADERS)
  get_filename_component(name ${h} NAME)
  list(APPEND PRLSHIM_PUBLIC_HEADERS ${PRLSHIM_GENERATED_INCLUDE_DIR}/${name})
endforeach()

set(PRLSHIM_GENERATED_SOURCES
  ${PRLSHIM_GENERATED_DIR}/stubs.cpp
  ${PRLSHIM_GENERATED_DIR}/export_addresses.cpp
  ${PRLSHIM_GENERATED_DIR}/properties.cpp)
set(PRLSHIM_VERSION_SCRIPT ${PRLSHIM_GENERATED_DIR}/exports.map)
set(PRLSHIM_EXPORT_LIST ${PRLSHIM_GENERATED_DIR}/exports.txt)
set(PRLSHIM_ABI_CHECKS_SOURCE ${PRLSHIM_GENERATED_DIR}/abi_checks.c)
set(PRLSHIM_GENERATED_COVERAGE ${PRLSHIM_GENERATED_DIR}/api-coverage.md)

add_custom_command(
  OUTPUT ${PRLSHIM_PUBLIC_HEADERS} ${PRLSHIM_GENERATED_SOURCES} ${PRLSHIM_VERSION_SCRIPT}
         ${PRLSHIM_EXPORT_LIST} ${PRLSHIM_ABI_CHECKS_SOURCE} ${PRLSHIM_GENERATED_COVERAGE}
         ${PRLSHIM_GENERATED_DIR}/error_table.inc ${PRLSHIM_GENERATED_DIR}/xml_order.inc
         ${PRLSHIM_GENERATED_DIR}/enum_names.inc
         ${PRLSHIM_GENERATED_DIR}/properties_test.cpp
  COMMAND ${Python3_EXECUTABLE} ${_abigen} ${PRLSHIM_GENERATED_DIR} --coverage ${PRLSHIM_GENERATED_COVERAGE}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${PRLSHIM_HANDWRITTEN_HEADERS} ${PRLSHIM_GENERATED_INCLUDE_DIR}
  DEPENDS ${_defs} ${_gen_py} ${PRLSHIM_HANDWRITTEN_HEADERS}
  COMMENT "Generating the SDK headers, exports and stubs from lib/abi/defs"
  VERBATIM)
add_custom_target(prlshim_generated DEPENDS ${PRLSHIM_PUBLIC_HEADERS} ${PRLSHIM_GENERATED_SOURCES})

# docs/api-coverage.md is committed; `cmake --build . --target update-docs` refreshes it
# and the test `docs.api_coverage_current` fails when it is stale.
add_custom_target(update-docs
  COMMAND ${CMAKE_COMMAND} -E copy ${PRLSHIM_GENERATED_COVERAGE} ${PROJECT_SOURCE_DIR}/docs/api-coverage.md
  DEPENDS ${PRLSHIM_GENERATED_COVERAGE})

# Reference documentation (optional): needs Debian's doxygen.
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${PROJECT_BINARY_DIR}/Doxyfile @ONLY)
  add_custom_target(reference-docs
    COMMAND ${DOXYGEN_EXECUTABLE} ${PROJECT_BINARY_DIR}/Doxyfile
    DEPENDS prlshim_generated
    COMMENT "Building the reference documentation in ${PROJECT_BINARY_DIR}/reference-docs/html")
endif()
