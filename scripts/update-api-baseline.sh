#!/usr/bin/env bash
# Records the current build of every bundle that exports API as the baseline that later builds are
# compared with (bnd-baseline-maven-plugin, see docs/architecture.md "Package versions"). Run it when
# a version is released, after `./mvnw install`, and commit baseline/repository.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk17.sh
version=$(sed -n 's:.*<aethercore.baseline.version>\(.*\)</aethercore.baseline.version>.*:\1:p' pom.xml)
modules=(bundles/api:io.aethercore.api bundles/service-support:io.aethercore.support
         bundles/formats:io.aethercore.formats bundles/attestation-verifier:io.aethercore.attestation.verifier)
for m in "${modules[@]}"; do
  dir=${m%%:*}; artifact=${m##*:}
  jar=$(ls "$dir"/target/"$artifact"-*.jar | grep -v -- '-sources\|-tests' | head -1)
  rm -rf "baseline/repository/io/aethercore/$artifact"
  ./mvnw -B -q install:install-file -Dfile="$jar" -DgroupId=io.aethercore -DartifactId="$artifact" \
    -Dversion="$version" -Dpackaging=jar -DgeneratePom=true -DlocalRepositoryPath=baseline/repository
  echo "baseline: $artifact $version from $jar"
done
find baseline/repository -name '_remote.repositories' -o -name 'maven-metadata-local.xml' | xargs -r rm -f
# checksums, so that Maven verifies what it reads from this repository
find baseline/repository -type f \( -name '*.jar' -o -name '*.pom' \) | while read -r f; do
  sha1sum "$f" | cut -d' ' -f1 > "$f.sha1"
done
