# SPDX-License-Identifier: MIT
# What `cmake --install` puts where (the GNU layout), and the Debian package CPack makes of it.
# The installed binary finds its worker and its scenarios relative to itself (harness/core/
# install.c), so the tree works under any prefix; the Lua modules (lua/nh) and the gnuplot
# templates (plots) are compiled into the binary, so nothing else is needed at run time.
include(GNUInstallDirs)
# Installing does not build everything first (the tests and fuzz targets): cpack's install step
# would otherwise build them all. nh_deb builds what the package holds; by hand:
# `cmake --build build && cmake --install build`.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS numaharness RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS nh-worker RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/numaharness)
# `numaharness run bios-check` finds share/numaharness/scenarios/bios-check.lua by name.
install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/numaharness/scenarios
  FILES_MATCHING PATTERN "*.lua")
# The templates the binary carries, for whoever redraws a chart by hand with gnuplot.
install(DIRECTORY plots/ DESTINATION ${CMAKE_INSTALL_DATADIR}/numaharness/plots
  FILES_MATCHING PATTERN "*.gp")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Slurm (contrib/slurm): the burn-in's submit command, its job scripts (nh-burnin finds them in
# libexec/numaharness), the HealthCheckProgram; the NHC adapter to copy into /etc/nhc/scripts.
install(PROGRAMS contrib/slurm/nh-burnin DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS contrib/slurm/nh-burnin-node contrib/slurm/nh-burnin-judge
  DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/numaharness)
install(PROGRAMS contrib/slurm/nh-healthcheck DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES contrib/nhc/numaharness.nhc DESTINATION ${CMAKE_INSTALL_DATADIR}/numaharness/nhc)

# ---- Debian package: `cmake --build build --target nh_deb` → build/numaharness_<version>_<arch>.deb
set(NH_PACKAGE_MAINTAINER "numaharness maintainers <maintainers@users.noreply.h-seed-d28071b0.example>"
  CACHE STRING "Maintainer field of the Debian package")
set(NH_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the Debian package (none when empty)")

execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE NH_DEB_ARCH
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE nh_dpkg_status)
if(NOT nh_dpkg_status EQUAL 0 OR NH_DEB_ARCH STREQUAL "")
  # No dpkg (not a Debian machine): the usual names, so the file name is still predictable.
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" nh_cpu)
  if(nh_cpu STREQUAL "x86_64")
    set(NH_DEB_ARCH amd64)
  elseif(nh_cpu STREQUAL "aarch64")
    set(NH_DEB_ARCH arm64)
  else()
    set(NH_DEB_ARCH ${nh_cpu})
  endif()
endif()
set(NH_DEB_FILE ${CMAKE_BINARY_DIR}/numaharness_${PROJECT_VERSION}_${NH_DEB_ARCH}.deb)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME numaharness)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${NH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "NUMA benchmark and binding-policy validation harness")
# Lines under 80 columns: CPack indents each one into the control file as it is.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "numaharness runs stress workloads (bandwidth, latency, allocators, file\n"
  "transfer) under memory and CPU binding policies, checks where every page\n"
  "actually landed, samples the kernel's NUMA counters around each run and\n"
  "writes machine-readable results with a report.\n"
  ".\n"
  "Lua scenarios validate a host's BIOS and NUMA setup (bios-check) or a\n"
  "libvirt domain's numatune (numatune-check); the exit status gates a rollout.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR})
# RelWithDebInfo binaries carry their debug info; the package does not.
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_FILE_NAME numaharness_${PROJECT_VERSION}_${NH_DEB_ARCH}.deb)
set(CPACK_DEBIAN_PACKAGE_NAME numaharness)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${NH_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${NH_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(NH_PACKAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${NH_PACKAGE_HOMEPAGE}")
endif()
# Depends: computed by dpkg-shlibdeps from what the two executables link (libnuma, hwloc, libpfm,
# Lua, jansson, nettle, GSL, libxml2, cmark, libc).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Recommends, not Depends: the harness runs and judges without them. Without gnuplot the report
# has no charts (it says "gnuplot not found"); numactl (numactl --hardware, numastat) is what an
# operator cross-checks the harness's topology and counters with — the harness itself links
# libnuma and never runs it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot-nox, numactl")
# The allocators `alloc=jemalloc|tcmalloc|mimalloc` preloads (the allocators scenarios).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libjemalloc2, libtcmalloc-minimal4, libmimalloc2.0")
# nh-burnin and nh-healthcheck talk to Slurm with its client commands (sbatch, scontrol).
string(APPEND CPACK_DEBIAN_PACKAGE_SUGGESTS ", slurm-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

# cpack in the build directory, after the two executables are built (the `package` target would
# first build everything, tests included).
add_custom_target(nh_deb
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  BYPRODUCTS ${NH_DEB_FILE}
  COMMENT "Debian package ${NH_DEB_FILE}"
  VERBATIM)
add_dependencies(nh_deb numaharness nh-worker)
