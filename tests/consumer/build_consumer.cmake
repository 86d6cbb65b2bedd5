# Installs the build tree into a scratch prefix, then configures, builds and
# runs the consumer project against it. Run with -DBUILD_DIR -DWORK_DIR
# -DSOURCE_DIR -DGENERATOR -DMAKE_PROGRAM, and -DSANITIZE when the tree is
# sanitized.
file(REMOVE_RECURSE "${WORK_DIR}")
function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if (NOT result EQUAL 0)
    message(FATAL_ERROR "consumer test: step failed (${result}): ${ARGN}")
  endif ()
endfunction()
run_step("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
# A sanitized libattnforge needs its sanitizer runtimes loaded first, so a
# consumer of a sanitized tree (the asan preset) is built with the same flags.
set(sanitize_flags "")
if (SANITIZE)
  set(sanitize_flags "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif ()
run_step("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
         "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_BUILD_TYPE=Release
         ${sanitize_flags})
run_step("${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
# No ATTNFORGE_PLUGIN_PATH: the plugins must be found beside the installed library.
run_step("${CMAKE_COMMAND}" -E env --unset=ATTNFORGE_PLUGIN_PATH "${WORK_DIR}/build/consumer")
