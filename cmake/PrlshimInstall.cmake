# Install: headers under <prefix>/include/prlsdk, libprl_sdk (shared and
# static), parallels-sdk.pc and the CMake package prlshim (target prlshim::prl_sdk).
include(CMakePackageConfigHelpers)

install(FILES ${PRLSHIM_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/prlsdk)
install(TARGETS prl_sdk EXPORT prlshimTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS prl_sdk_static ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

# Relocatable: the prefix is found from the .pc file's own place, so an
# install with `cmake --install --prefix` elsewhere still works.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PRLSHIM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(PRLSHIM_PC_PREFIX "\${pcfiledir}/${_up}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PRLSHIM_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(PRLSHIM_PC_LIBDIR "\${exec_prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PRLSHIM_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PRLSHIM_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/pkgconfig/parallels-sdk.pc.in
               ${PROJECT_BINARY_DIR}/parallels-sdk.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/parallels-sdk.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/prlshim)
install(EXPORT prlshimTargets NAMESPACE prlshim:: DESTINATION ${_cmakedir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/prlshimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/prlshimConfig.cmake INSTALL_DESTINATION ${_cmakedir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/prlshimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/prlshimConfig.cmake ${PROJECT_BINARY_DIR}/prlshimConfigVersion.cmake
        DESTINATION ${_cmakedir})
