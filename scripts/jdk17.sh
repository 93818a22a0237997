# Sourced by the scripts: makes sure Maven and Karaf run on JDK 17 (Karaf 4.4 does not start on newer JDKs).
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME/bin/java")" = "17" ]; then
  :
elif command -v java >/dev/null 2>&1 && [ "$(java_major java)" = "17" ]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
else
  JAVA_HOME=""
  for d in /usr/lib/jvm/*17* /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ] && [ "$(java_major "$d/bin/java")" = "17" ]; then JAVA_HOME=$d; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "AetherCore needs a JDK 17 (Karaf 4.4 does not start on newer ones)." >&2
    echo "Install one, e.g.: apt-get install openjdk-17-jdk-headless" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
