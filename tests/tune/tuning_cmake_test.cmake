# What cmake/AttnforgeTuning.cmake asks the build for, from a plan: one
# candidate plugin per candidate, for the plan's kernel only, with the rest
# of its recipe as given, the plan's target, head size and build value, each
# candidate's own tuned file and output directory; nothing at all without a
# plan. Runs in script mode:
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCMAKE_GENERATOR=... -DCMAKE_MAKE_PROGRAM=... -P tuning_cmake_test.cmake
set(plan_dir "${WORK_DIR}/plan")
set(build_dir "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(WRITE "${plan_dir}/plan.json" [[{
  "kernel": "sparse", "target": "x86-64-avx512", "head_dim": "64", "build_value": "128",
  "candidates": [{"name": "c00"}, {"name": "c01"}]
}]])

function(configure_stand_in plan)
  file(REMOVE "${build_dir}/calls.txt")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S "${CMAKE_CURRENT_LIST_DIR}/tuning_cmake_project" -B "${build_dir}"
            -G "${CMAKE_GENERATOR}" "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
            "-DATTNFORGE_SOURCE_DIR=${SOURCE_DIR}" "-DATTNFORGE_TUNE_PLAN=${plan}"
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if (NOT status EQUAL 0)
    message(FATAL_ERROR "configuring the stand-in project failed (${status}):\n${output}")
  endif ()
  set(calls "")
  if (EXISTS "${build_dir}/calls.txt")
    file(STRINGS "${build_dir}/calls.txt" calls)
  endif ()
  set(calls "${calls}" PARENT_SCOPE)
  set(output "${output}" PARENT_SCOPE)
endfunction()

function(fail expected)
  string(REPLACE ";" "\n" listed "${calls}")
  message(FATAL_ERROR "expected ${expected}; the candidate calls were:\n${listed}")
endfunction()

configure_stand_in("${plan_dir}/plan.json")
list(LENGTH calls call_count)
if (NOT call_count EQUAL 2)
  fail("two candidate plugins, both sparse")
endif ()
foreach (candidate IN ITEMS c00 c01)
  set(call "${calls}")
  list(FILTER call INCLUDE REGEX "^attnforge_tune_sparse_${candidate}: ")
  foreach (piece IN ITEMS
      " KERNEL sparse " " GENERATOR sparse_attention " " DTYPE f32 " " SOURCES sparse_plugin.cpp "
      " BUILD_PARAM block_size ID_TAG b BUILD_VALUES 128 " " HEAD_DIMS 64 TARGETS x86-64-avx512 "
      " TUNED_FILE ${plan_dir}/${candidate}/sparse.json " " FUNCTION_SUFFIX _tune_${candidate} "
      " CANDIDATE OUTPUT_DIRECTORY ${plan_dir}/${candidate}/plugins")
    string(FIND "${call}" "${piece}" at)
    if (at EQUAL -1)
      fail("'${piece}' in ${candidate}'s call")
    endif ()
  endforeach ()
  string(FIND "${call}" "64 128" both_block_sizes)
  if (NOT both_block_sizes EQUAL -1)
    fail("only the plan's block size in ${candidate}'s call")
  endif ()
endforeach ()

# A block size the plugin does not ship: no candidates, and a warning.
file(WRITE "${plan_dir}/other.json" [[{
  "kernel": "sparse", "target": "x86-64-avx512", "head_dim": "64", "build_value": "96",
  "candidates": [{"name": "c00"}, {"name": "c01"}]
}]])
configure_stand_in("${plan_dir}/other.json")
list(LENGTH calls call_count)
if (NOT call_count EQUAL 0)
  fail("no candidate plugins for block size 96")
endif ()
string(FIND "${output}" "does not ship (64;128)" warned)
if (warned EQUAL -1)
  fail("a warning naming the block sizes the plugin ships; cmake said:\n${output}")
endif ()

# A plan that no longer exists must not stop the project from configuring.
configure_stand_in("${plan_dir}/deleted.json")
list(LENGTH calls call_count)
if (NOT call_count EQUAL 0)
  fail("no candidate plugins for a plan that does not exist")
endif ()

configure_stand_in("")
list(LENGTH calls call_count)
if (NOT call_count EQUAL 0)
  fail("no candidate plugins without a plan")
endif ()
