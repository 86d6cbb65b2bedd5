# attnforge_add_tuning_candidates: attnforge-tune's candidate plugins.
#
#   attnforge_add_tuning_candidates(<the same recipe attnforge_add_kernel_plugin takes,
#                                    without HEAD_DIMS and TARGETS>)
#
# Does nothing unless ATTNFORGE_TUNE_PLAN names a plan (attnforge-tune plan
# writes it) for this recipe's kernel. Then each of the plan's candidates
# becomes one plugin, attnforge_tune_<kernel>_<candidate>, holding the one
# variant the plan tunes (its target and head size; its build value for a
# kernel with a BUILD_PARAM), compiled with the candidate's tuned file
# <plan dir>/<candidate>/<kernel>.json and written to
# <plan dir>/<candidate>/plugins, the search path attnforge-tune measure
# gives that candidate's registry. The target attnforge_tune_candidates builds them all; nothing else
# builds or installs them.
set(ATTNFORGE_TUNE_PLAN "" CACHE FILEPATH "An attnforge-tune plan whose candidate plugins to define")

if (NOT TARGET attnforge_tune_candidates)
  add_custom_target(attnforge_tune_candidates)
endif ()

function(attnforge_add_tuning_candidates)
  if (NOT ATTNFORGE_TUNE_PLAN)
    return()
  endif ()
  cmake_parse_arguments(ARG "" "KERNEL;GENERATOR;GENERATOR_TARGET;DTYPE;BUILD_PARAM;ID_TAG"
                        "BUILD_VALUES;EXTRA_PARAMS;SOURCES" ${ARGN})
  if (NOT EXISTS "${ATTNFORGE_TUNE_PLAN}")
    # attnforge-tune build takes its plan out again however it ends; a plan
    # left here by hand must not stop the project from configuring.
    message(WARNING "attnforge: ATTNFORGE_TUNE_PLAN names ${ATTNFORGE_TUNE_PLAN}, which does not exist: "
                    "no tuning candidates (configure with -DATTNFORGE_TUNE_PLAN= to drop it)")
    return()
  endif ()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ATTNFORGE_TUNE_PLAN}")
  file(READ "${ATTNFORGE_TUNE_PLAN}" plan)
  string(JSON kernel GET "${plan}" kernel)
  if (NOT kernel STREQUAL ARG_KERNEL)
    return()
  endif ()
  string(JSON target GET "${plan}" target)
  string(JSON head_dim GET "${plan}" head_dim)
  get_filename_component(plan_dir "${ATTNFORGE_TUNE_PLAN}" DIRECTORY)

  # The recipe, with the plan's one build value where the kernel has several.
  set(recipe KERNEL ${ARG_KERNEL} GENERATOR ${ARG_GENERATOR} GENERATOR_TARGET ${ARG_GENERATOR_TARGET}
             DTYPE ${ARG_DTYPE} EXTRA_PARAMS ${ARG_EXTRA_PARAMS} SOURCES ${ARG_SOURCES})
  string(JSON build_value ERROR_VARIABLE no_build_value GET "${plan}" build_value)
  if (no_build_value)
    set(build_value "")
  endif ()
  if (ARG_BUILD_PARAM)
    if (build_value STREQUAL "")
      list(GET ARG_BUILD_VALUES 0 build_value)
    elseif (NOT build_value IN_LIST ARG_BUILD_VALUES)
      message(WARNING "attnforge: the tuning plan builds ${kernel} with ${ARG_BUILD_PARAM} ${build_value}, which its "
                      "plugin does not ship (${ARG_BUILD_VALUES}): no candidates")
      return()
    endif ()
    list(APPEND recipe BUILD_PARAM ${ARG_BUILD_PARAM} ID_TAG ${ARG_ID_TAG} BUILD_VALUES ${build_value})
  elseif (NOT build_value STREQUAL "")
    message(WARNING "attnforge: ${kernel} is built once, not per value of a param: the plan's build value "
                    "${build_value} is ignored")
  endif ()

  string(JSON count LENGTH "${plan}" candidates)
  math(EXPR last "${count} - 1")
  foreach (index RANGE ${last})
    string(JSON candidate GET "${plan}" candidates ${index} name)
    set(plugin attnforge_tune_${kernel}_${candidate})
    attnforge_add_kernel_plugin(${plugin} ${recipe}
      HEAD_DIMS ${head_dim} TARGETS ${target}
      TUNED_FILE "${plan_dir}/${candidate}/${kernel}.json"
      FUNCTION_SUFFIX _tune_${candidate}
      CANDIDATE OUTPUT_DIRECTORY "${plan_dir}/${candidate}/plugins")
    add_dependencies(attnforge_tune_candidates ${plugin})
  endforeach ()
endfunction()
