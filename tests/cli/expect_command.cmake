# Runs one CLI command and checks what it did:
#   cmake -DCOMMAND=<arg@@arg...> -DEXPECT_EXIT=<code> [-DEXPECT_OUTPUT=<regex@@...>]
#         [-DREJECT_OUTPUT=<regex>] [-DEXPECT_JSON_KEYS=<key@@...>] -P expect_command.cmake
# Lists are '@@'-separated, so they pass through add_test unescaped, and a
# literal \n in a pattern stands for a newline (CMake regexes have no escape
# for it). stdout and stderr are checked together, except for
# EXPECT_JSON_KEYS, which requires stdout to be exactly one JSON object
# holding those keys.
foreach (list_name COMMAND EXPECT_OUTPUT EXPECT_JSON_KEYS)
  string(REPLACE "@@" ";" ${list_name} "${${list_name}}")
endforeach ()
string(REPLACE "\\n" "\n" EXPECT_OUTPUT "${EXPECT_OUTPUT}")
string(REPLACE "\\n" "\n" REJECT_OUTPUT "${REJECT_OUTPUT}")

execute_process(COMMAND ${COMMAND}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr)
set(output "${stdout}${stderr}")
string(REPLACE ";" " " shown_command "${COMMAND}")
set(context "command: ${shown_command}\nexit code: ${exit_code}\noutput:\n${output}")

if (NOT exit_code STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit code ${EXPECT_EXIT}\n${context}")
endif ()
foreach (pattern IN LISTS EXPECT_OUTPUT)
  if (NOT output MATCHES "${pattern}")
    message(FATAL_ERROR "expected output matching '${pattern}'\n${context}")
  endif ()
endforeach ()
if (REJECT_OUTPUT AND output MATCHES "${REJECT_OUTPUT}")
  message(FATAL_ERROR "output must not match '${REJECT_OUTPUT}'\n${context}")
endif ()
if (EXPECT_JSON_KEYS)
  string(STRIP "${stdout}" json)
  if (NOT json MATCHES "^{.*}$")
    message(FATAL_ERROR "expected stdout to be one JSON object\n${context}")
  endif ()
  foreach (key IN LISTS EXPECT_JSON_KEYS)
    string(JSON value ERROR_VARIABLE json_error GET "${json}" "${key}")
    if (json_error)
      message(FATAL_ERROR "JSON lacks key '${key}': ${json_error}\n${context}")
    endif ()
  endforeach ()
endif ()
message(STATUS "${context}")
