#!/bin/sh
# Compiles every public header alone, as C89, C99, C11, C++11 and C++17, with
# -Wall -Wextra -pedantic -Werror (and -Wold-style-cast in C++), with gcc and,
# when installed, clang.
set -u
inc=${1:?usage: headers_alone.sh INCLUDE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compilers="gcc"
command -v clang >/dev/null 2>&1 && compilers="gcc clang"
jobs=""
for h in "$inc"/*.h; do
  name=$(basename "$h")
  printf '#include <%s>\nint main(void) { return 0; }\n' "$name" > "$tmp/$name.c"
  printf '#include <%s>\nint main() { return 0; }\n' "$name" > "$tmp/$name.cpp"
  for cc in $compilers; do
    cxx=g++; [ "$cc" = clang ] && cxx=clang++
    for std in c89 c99 c11; do jobs="$jobs
$cc -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -I$inc $tmp/$name.c"; done
    for std in c++11 c++17; do jobs="$jobs
$cxx -std=$std -Wall -Wextra -pedantic -Wold-style-cast -Werror -fsyntax-only -I$inc $tmp/$name.cpp"; done
  done
done
printf '%s\n' "$jobs" | sed '/^$/d' > "$tmp/jobs"
total=$(wc -l < "$tmp/jobs")
failed=0
while read -r cmd; do
  if ! $cmd 2> "$tmp/err"; then
    failed=$((failed + 1)); echo "FAILED: $cmd"; head -5 "$tmp/err"
  fi
done < "$tmp/jobs"
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
