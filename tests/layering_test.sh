#!/usr/bin/env bash
# Fails when a layer includes a header it must not see. tests/layering/rules.txt says which
# folders each folder of src/ may include; below, which C and I/O libraries each may use
# (only adapters call C libraries, each adapter only its own).
set -u
src=$1
rules=$(dirname "$0")/layering/rules.txt
fail=0

# Every folder of src/ must have a rule, or its includes would go unchecked.
folders=$(cd "$src" && find . -name '*.h' -o -name '*.cc' -o -name '*.h.in' | sed 's|^\./||' |
  awk -F/ '{ print ($1 == "adapters" ? $1 "/" $2 : $1) }' | sort -u)
for folder in $folders; do
  if ! grep -q "^$folder:" "$rules"; then echo "$folder has no rule in $rules"; fail=1; fi
done

# Project includes: "<folder>/..." must name the file's own folder or one its rule allows.
while IFS=: read -r folder allowed; do
  case "$folder" in ''|'#'*) continue ;; esac
  allowed=$(echo "$allowed" | xargs)
  [ "$allowed" = "*" ] && continue
  hits=$(grep -rnE '#include "' "$src/$folder" 2>/dev/null | while IFS= read -r line; do
    target=$(echo "$line" | sed -nE 's/.*#include "([^"]*)".*/\1/p')
    ok=0
    for prefix in $folder $allowed; do
      case "$target" in "$prefix"/*) ok=1 ;; esac
    done
    [ $ok -eq 0 ] && echo "$line"
  done)
  if [ -n "$hits" ]; then
    echo "$folder may include only $folder/ and: ${allowed:-nothing else}"; echo "$hits"; fail=1
  fi
done < "$rules"

check() { # folder, forbidden include pattern, reason
  local hits
  hits=$(grep -rnE "#include [<\"]($2)" "$src/$1" 2>/dev/null)
  if [ -n "$hits" ]; then echo "$1 must not include $2 ($3):"; echo "$hits"; fail=1; fi
}
io='boost/beast|boost/asio'
check domain "$io" "domain has no I/O"
check ports "$io" "ports are interfaces"
check media "$io" "media is pure: manifests and layouts"
check services "$io" "services never see HTTP"
check base "$io" "base is standard C++ only"
sqlite='sqlite3\.h'
sodium='sodium\.h|sodium/'
ffmpeg='libav[a-z]*/|libsw[a-z]*/|ebur128\.h'
rdkafka='librdkafka/'
for d in base domain ports media services http api app adapters/localfs; do
  check "$d" "$sqlite|$sodium|$ffmpeg|$rdkafka" "C libraries stay in their adapter"
done
check adapters/sqlite "$sodium|$ffmpeg|$io" "adapters/sqlite calls SQLite only"
check adapters/sodium "$sqlite|$ffmpeg|$io" "adapters/sodium calls libsodium only"
check adapters/ffmpeg "$sqlite|$sodium|$io" "adapters/ffmpeg calls FFmpeg and libebur128 only"
check adapters/localfs "$io" "adapters/localfs calls POSIX only"
check adapters/kafka "$sqlite|$sodium|$ffmpeg|$io" "adapters/kafka calls librdkafka only"
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
