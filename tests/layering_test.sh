#!/usr/bin/env bash
# Fails when a layer includes a header it must not see (see docs/architecture.md):
# domain sees nothing; services see domain and ports; only adapters call C libraries.
set -u
src=$1
fail=0
check() { # folder, forbidden include pattern, reason
  local hits
  hits=$(grep -rnE "#include [<\"]($2)" "$src/$1" 2>/dev/null)
  if [ -n "$hits" ]; then echo "$1 must not include $2 ($3):"; echo "$hits"; fail=1; fi
}
check domain 'services/|ports/|adapters/|http/|api/|app/|sqlite3|sodium|boost/beast|boost/asio' "domain has no I/O"
check services 'adapters/|http/|api/|app/|sqlite3|sodium|boost/beast|boost/asio' "services see ports only"
check ports 'adapters/|http/|api/|app/|sqlite3|sodium' "ports are interfaces"
check http 'adapters/|api/|app/|services/|sqlite3|sodium' "http is transport only"
check api 'adapters/|app/|sqlite3|sodium' "api talks to services"
check media 'services/|ports/|adapters/|http/|api/|app/|libav|ebur128' "media is pure: manifests and layouts"
for d in http api services domain ports app media; do
  check "$d" 'sqlite3\.h|sodium\.h|libav[a-z]*/|ebur128\.h' "C libraries stay in their adapter"
done
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
