# Installs the build tree into a scratch prefix, then configures, builds and
# runs the consumer project against it. Run with -DBUILD_DIR -DWORK_DIR
# -DSOURCE_DIR -DCMAKE_COMMAND_PATH -DGENERATOR.
file(REMOVE_RECURSE "${WORK_DIR}")
function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if (NOT result EQUAL 0)
    message(FATAL_ERROR "consumer test: step failed (${result}): ${ARGN}")
  endif ()
endfunction()
run_step("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
run_step("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
         "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_BUILD_TYPE=Release)
run_step("${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
# No ATTNFORGE_PLUGIN_PATH: the plugins must be found beside the installed library.
run_step("${CMAKE_COMMAND}" -E env --unset=ATTNFORGE_PLUGIN_PATH "${WORK_DIR}/build/consumer")
