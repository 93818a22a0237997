#!/usr/bin/env bash
# The auditor's offline verifier from a source build (the same tool as the distribution's
# bin/audit-verify-offline): java -jar tools/audit-tool/target/io.aethercore.audit.tool-<version>-verifier.jar
#     scripts/audit-verify-offline.sh check  --dir EXPORT --key node.pem
#     scripts/audit-verify-offline.sh verify --dir EXPORT --key node.pem --event-id ID
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$(ls "$here"/tools/audit-tool/target/io.aethercore.audit.tool-*-verifier.jar 2>/dev/null | head -n 1)
if [ -z "$jar" ]; then
  echo "build first: ./mvnw -pl tools/audit-tool -am install -DskipTests" >&2
  exit 2
fi
exec java -jar "$jar" "$@"
