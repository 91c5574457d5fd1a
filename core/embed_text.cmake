# Turn a text file into a C file defining it as a NUL-terminated byte array
# and its length, so that the daemon carries the text (core/share.lua)
# without reading a file at run time. Run by core/CMakeLists.txt at build
# time:
#   cmake -DIN_FILE=<file> -DOUT_FILE=<file.c> -DNAME=<symbol>
#         -DHEADER=<header.h> -P embed_text.cmake
# Bytes are written as hex, so quotes, backslashes and line breaks in the
# text need no escaping.
foreach(var IN_FILE OUT_FILE NAME HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: -D${var}= is required")
  endif()
endforeach()

file(READ "${IN_FILE}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
# Twelve bytes a line keeps the generated file readable in a debugger. The
# break goes into the hex digits first, so each line holds whole bytes
# (CMake's regular expressions have no {n} and few groups).
string(REPEAT "[0-9a-f]" 24 line_re)
string(REGEX REPLACE "(${line_re})" "\\1\n    " hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Bytes above 0x7f (UTF-8 in comments) would overflow a signed char.
string(REGEX REPLACE "0x([89a-f][0-9a-f])," "(char)0x\\1," bytes "${bytes}")

get_filename_component(in_name "${IN_FILE}" NAME)
file(WRITE "${OUT_FILE}"
"/* Generated from ${in_name} by embed_text.cmake; do not edit. */
#include \"${HEADER}\"

const char ${NAME}[] = {
    ${bytes}0x00};
const size_t ${NAME}_len = ${len};
")
