#!/bin/sh
# Runs one service of the image: `gateway`, `account-svc`, `dataset-svc`, ... (a folder of services/).
# exec, so the service is PID 1's direct process and gets SIGTERM itself for its ordered shutdown.
set -eu
name="${1:-gateway}"
[ "$#" -gt 0 ] && shift
main="/app/services/$name/dist/main.js"
if [ ! -f "$main" ]; then
  echo "rag-entrypoint: no service named '$name'; one of: $(ls /app/services | grep -v '^launcher$' | tr '\n' ' ')" >&2
  exit 64
fi
exec node "$main" "$@"
