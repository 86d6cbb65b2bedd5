# attnforge_add_kernel: compiles one generator ahead of time into one Halide
# library per (head size × target), with the tunables read from
# schedules/tuned/<target>/<kernel>.json, all sharing the one Halide runtime
# (attnforge_halide_runtime, defined in runtime/).
#
#   attnforge_add_kernel(
#     KERNEL full GENERATOR full_attention GENERATOR_TARGET full_attention_generator
#     DTYPE f32 HEAD_DIMS 64 128 any TARGETS x86-64-avx512 x86-64-avx2 x86-64
#     [BUILD_PARAM block_size BUILD_VALUES 64 128 ID_TAG b]
#     [TUNED_FILE <json>] [FUNCTION_SUFFIX <suffix>]
#     OUT_VARIANTS <var>)
#
# BUILD_PARAM names a generator param whose value a caller must match (the
# layout's block size): every (head size × target) is built once per
# BUILD_VALUES entry, and each id gains ":<ID_TAG><value>" before the target
# (sparse:f32:d64:b128:x86-64-avx512). The first value is the default: its
# variants come first in the table, so dispatch prefers them when a call does
# not set the param (docs/runtime.md, dispatch rule 3).
#
# OUT_VARIANTS receives one "id|function|head_dim|target|build_value" entry per
# library (build_value empty without BUILD_PARAM), for the plugin's variant
# table; each library is a target named <function>.
#
# TUNED_FILE replaces schedules/tuned/<target>/<kernel>.json (attnforge-tune's
# candidates each bring their own); FUNCTION_SUFFIX keeps their libraries'
# names apart from the plugin's own.

# attnforge target names → Halide target strings and the CPU features a
# machine needs to run the code (names as the runtime's cpuid reports them).
# user_context: every pipeline takes its caller's error sink first, so an
# error raised on a worker thread still reaches the call's message
# (plugins/common/halide_call.h).
set(ATTNFORGE_TARGET_x86-64-avx512_HALIDE "x86-64-linux-sse41-avx-avx2-fma-f16c-avx512-avx512_skylake-user_context")
set(ATTNFORGE_TARGET_x86-64-avx512_FEATURES "sse41;avx;avx2;fma;f16c;avx512f;avx512cd;avx512bw;avx512dq;avx512vl")
set(ATTNFORGE_TARGET_x86-64-avx512_PRIORITY 30)
set(ATTNFORGE_TARGET_x86-64-avx2_HALIDE "x86-64-linux-sse41-avx-avx2-fma-f16c-user_context")
set(ATTNFORGE_TARGET_x86-64-avx2_FEATURES "sse41;avx;avx2;fma;f16c")
set(ATTNFORGE_TARGET_x86-64-avx2_PRIORITY 20)
set(ATTNFORGE_TARGET_x86-64_HALIDE "x86-64-linux-user_context")
set(ATTNFORGE_TARGET_x86-64_FEATURES "")
set(ATTNFORGE_TARGET_x86-64_PRIORITY 10)

# Reads the tuned tunables for one head size from a tuned file as a list of
# name=value generator params. The file's "params" object holds the defaults;
# an optional "head_dim_<N>" object overrides some of them for head size N
# (N = 0 for the any-size variant). tools/tune/tuned_file.cpp reads the same
# way.
function(attnforge_read_tuned_params file head_dim out_var)
  if (NOT EXISTS "${file}")
    message(FATAL_ERROR "attnforge: no tuned schedule: expected ${file}")
  endif ()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  file(READ "${file}" json)
  set(params "")
  foreach (section IN ITEMS params head_dim_${head_dim})
    string(JSON section_type ERROR_VARIABLE missing TYPE "${json}" ${section})
    if (missing)
      continue()
    endif ()
    string(JSON count LENGTH "${json}" ${section})
    math(EXPR last "${count} - 1")
    foreach (index RANGE ${last})
      string(JSON name MEMBER "${json}" ${section} ${index})
      string(JSON value GET "${json}" ${section} ${name})
      list(FILTER params EXCLUDE REGEX "^${name}=")
      list(APPEND params "${name}=${value}")
    endforeach ()
  endforeach ()
  set(${out_var} "${params}" PARENT_SCOPE)
endfunction()

function(attnforge_add_kernel)
  cmake_parse_arguments(ARG "" "KERNEL;GENERATOR;GENERATOR_TARGET;DTYPE;BUILD_PARAM;ID_TAG;TUNED_FILE;FUNCTION_SUFFIX;OUT_VARIANTS"
                        "HEAD_DIMS;TARGETS;EXTRA_PARAMS;BUILD_VALUES" ${ARGN})
  # Without a build param, one build whose id has no tag.
  set(build_count 1)
  if (ARG_BUILD_PARAM)
    list(LENGTH ARG_BUILD_VALUES build_count)
    if (build_count EQUAL 0)
      message(FATAL_ERROR "attnforge: ${ARG_KERNEL}: BUILD_PARAM ${ARG_BUILD_PARAM} needs BUILD_VALUES")
    endif ()
  endif ()
  math(EXPR last_build "${build_count} - 1")
  set(variants "")
  foreach (target IN LISTS ARG_TARGETS)
    if (NOT DEFINED ATTNFORGE_TARGET_${target}_HALIDE)
      message(FATAL_ERROR "attnforge: unknown target '${target}'")
    endif ()
    foreach (head_dim IN LISTS ARG_HEAD_DIMS)
      if (head_dim STREQUAL "any")
        set(size_params head_dim=0 value_dim=0)
        set(size_tag dany)
        set(size_value 0)
      else ()
        set(size_params head_dim=${head_dim} value_dim=${head_dim})
        set(size_tag d${head_dim})
        set(size_value ${head_dim})
      endif ()
      set(tuned_file "${PROJECT_SOURCE_DIR}/schedules/tuned/${target}/${ARG_KERNEL}.json")
      if (ARG_TUNED_FILE)
        set(tuned_file "${ARG_TUNED_FILE}")
      endif ()
      attnforge_read_tuned_params("${tuned_file}" ${size_value} tuned)
      foreach (build RANGE ${last_build})
        set(build_value "")
        set(build_params "")
        set(tags ${size_tag})
        if (ARG_BUILD_PARAM)
          list(GET ARG_BUILD_VALUES ${build} build_value)
          set(build_params ${ARG_BUILD_PARAM}=${build_value})
          list(APPEND tags ${ARG_ID_TAG}${build_value})
        endif ()
        list(JOIN tags ":" id_tags)
        list(JOIN tags "_" function_tags)
        string(MAKE_C_IDENTIFIER "attnforge_${ARG_KERNEL}_${ARG_DTYPE}_${function_tags}_${target}${ARG_FUNCTION_SUFFIX}" function)
        add_halide_library(${function}
          FROM ${ARG_GENERATOR_TARGET}
          GENERATOR ${ARG_GENERATOR}
          FUNCTION_NAME ${function}
          TARGETS ${ATTNFORGE_TARGET_${target}_HALIDE}
          USE_RUNTIME attnforge_halide_runtime
          PARAMS ${size_params} ${tuned} ${ARG_EXTRA_PARAMS} ${build_params}
          ASSEMBLY assembly_file) # kept for the code-generation (FileCheck) tests
        list(APPEND variants "${ARG_KERNEL}:${ARG_DTYPE}:${id_tags}:${target}|${function}|${size_value}|${target}|${build_value}")
      endforeach ()
    endforeach ()
  endforeach ()
  set(${ARG_OUT_VARIANTS} "${variants}" PARENT_SCOPE)
endfunction()

# Writes, for a plugin's variant table, <out_dir>/<kernel>_variant_headers.inc
# (one #include of each generated header) and <out_dir>/<kernel>_variants.inc
# (one X-macro line per variant,
#   ATTNFORGE_VARIANT(id, kernel, function, head_dim, target, cpu_features, priority, params),
# expanded by plugins/common/plugin_entry.h
# so the plugin's C++ states once what a variant entry looks like). `params` is
# the plugin's parameter table: kParams, or kParams<value> for a variant built
# with BUILD_PARAM = value, whose table fixes that param to the value.
function(attnforge_write_variant_table kernel out_dir)
  set(includes "")
  set(rows "")
  foreach (entry IN LISTS ARGN)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 id)
    list(GET fields 1 function)
    list(GET fields 2 head_dim)
    list(GET fields 3 target)
    list(GET fields 4 build_value)
    set(params kParams)
    if (NOT build_value STREQUAL "")
      set(params "kParams<${build_value}>")
    endif ()
    set(features "0")
    foreach (feature IN LISTS ATTNFORGE_TARGET_${target}_FEATURES)
      string(TOUPPER "${feature}" feature)
      string(APPEND features " | AF_CPU_${feature}")
    endforeach ()
    string(APPEND includes "#include \"${function}.h\"\n")
    string(APPEND rows "ATTNFORGE_VARIANT(\"${id}\", \"${kernel}\", ${function}, ${head_dim}, \"${target}\", ${features}, ${ATTNFORGE_TARGET_${target}_PRIORITY}, ${params})\n")
  endforeach ()
  set(banner "// Generated by attnforge_write_variant_table: do not edit.\n")
  file(CONFIGURE OUTPUT "${out_dir}/${kernel}_variant_headers.inc" CONTENT "${banner}${includes}")
  file(CONFIGURE OUTPUT "${out_dir}/${kernel}_variants.inc" CONTENT "${banner}${rows}")
endfunction()

# A plugin: a MODULE library built into the plugin directory the registry
# searches, linking libattnforge (for the shared Halide runtime) and every
# kernel library of its family, its variant table read from TABLE_DIR.
# A CANDIDATE (attnforge-tune's) goes to its own OUTPUT_DIRECTORY, is built
# only on request and is never installed.
function(attnforge_add_plugin name)
  cmake_parse_arguments(ARG "CANDIDATE" "TABLE_DIR;OUTPUT_DIRECTORY" "SOURCES;KERNEL_LIBRARIES" ${ARGN})
  if (ARG_CANDIDATE)
    add_library(${name} MODULE EXCLUDE_FROM_ALL ${ARG_SOURCES})
  else ()
    add_library(${name} MODULE ${ARG_SOURCES})
    install(TARGETS ${name} LIBRARY DESTINATION "${ATTNFORGE_PLUGIN_SUBDIR}")
  endif ()
  target_link_libraries(${name} PRIVATE attnforge::runtime attnforge_plugin_support ${ARG_KERNEL_LIBRARIES})
  target_include_directories(${name} PRIVATE ${ARG_TABLE_DIR})
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}"
    CXX_VISIBILITY_PRESET hidden
    INSTALL_RPATH "$ORIGIN/../..")
endfunction()

# One kernel family's plugin, end to end: every variant compiled by
# attnforge_add_kernel, the variant table written, and the plugin `plugin`
# built from SOURCES and those libraries. Takes attnforge_add_kernel's
# arguments (without OUT_VARIANTS) plus SOURCES, and, for attnforge-tune's
# candidates, CANDIDATE and OUTPUT_DIRECTORY (attnforge_add_plugin).
function(attnforge_add_kernel_plugin plugin)
  cmake_parse_arguments(ARG "CANDIDATE" "KERNEL;GENERATOR;GENERATOR_TARGET;DTYPE;BUILD_PARAM;ID_TAG;TUNED_FILE;FUNCTION_SUFFIX;OUTPUT_DIRECTORY"
                        "HEAD_DIMS;TARGETS;EXTRA_PARAMS;BUILD_VALUES;SOURCES" ${ARGN})
  attnforge_add_kernel(
    KERNEL ${ARG_KERNEL} GENERATOR ${ARG_GENERATOR} GENERATOR_TARGET ${ARG_GENERATOR_TARGET}
    DTYPE ${ARG_DTYPE} HEAD_DIMS ${ARG_HEAD_DIMS} TARGETS ${ARG_TARGETS} EXTRA_PARAMS ${ARG_EXTRA_PARAMS}
    BUILD_PARAM ${ARG_BUILD_PARAM} BUILD_VALUES ${ARG_BUILD_VALUES} ID_TAG ${ARG_ID_TAG}
    TUNED_FILE ${ARG_TUNED_FILE} FUNCTION_SUFFIX ${ARG_FUNCTION_SUFFIX}
    OUT_VARIANTS variants)
  set(table_dir "${CMAKE_CURRENT_BINARY_DIR}/${plugin}")
  attnforge_write_variant_table(${ARG_KERNEL} "${table_dir}" ${variants})
  set(libraries "")
  foreach (entry IN LISTS variants)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 1 function)
    list(APPEND libraries ${function})
  endforeach ()
  set(output_directory "${ATTNFORGE_BUILD_PLUGIN_DIR}")
  set(candidate "")
  if (ARG_CANDIDATE)
    set(output_directory "${ARG_OUTPUT_DIRECTORY}")
    set(candidate CANDIDATE)
  endif ()
  attnforge_add_plugin(${plugin} ${candidate} SOURCES ${ARG_SOURCES} KERNEL_LIBRARIES ${libraries}
    TABLE_DIR "${table_dir}" OUTPUT_DIRECTORY "${output_directory}")
endfunction()
