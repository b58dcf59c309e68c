#!/usr/bin/env bash
# Plan some stacks for the plan-review workflow: plan-stacks.sh STACK ... (-STACK: removed).
#
# The configurations planned are never the pull request's own output: HEAD_PLAN holds the
# head's model rendered by the base's xos with the base's backends, BASE_OUT the base's
# output. The CI's credentials (whatever is in the environment) reach terraform only for a
# stack whose terraform and provider blocks are exactly the base's; any other stack (a new
# one, or one whose provider configuration the pull request changed) is planned with an
# environment holding no secret at all, and a new stack against an empty local state. A
# stack that fails to plan is recorded in PLANS/<stack>.failed and the others go on.
#
# Environment: HEAD_PLAN, BASE_OUT, PLANS (output folder), SCRIPTS (this folder).
set -uo pipefail
: "${HEAD_PLAN:?}" "${BASE_OUT:?}" "${PLANS:?}"
SCRIPTS=${SCRIPTS:-$(dirname "$0")}
mkdir -p "$PLANS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# An environment with no secret in it: only what terraform needs to run.
clean_env() {
  env -i PATH="$PATH" HOME="$WORK/home" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1 \
    ${TF_CLI_CONFIG_FILE:+TF_CLI_CONFIG_FILE="$TF_CLI_CONFIG_FILE"} ${TF_PLUGIN_CACHE_DIR:+TF_PLUGIN_CACHE_DIR="$TF_PLUGIN_CACHE_DIR"} "$@"
}

plan_one() { # plan_one NAME STACK_DIR TRUSTED [extra plan args]
  # Planned where it was rendered: a local backend's relative path means what it meant there.
  local name=$1 dir=$2 trusted=$3; shift 3
  mkdir -p "$WORK/home"
  local run=(env)
  [ "$trusted" = yes ] || run=(clean_env)
  echo "plan $name ($([ "$trusted" = yes ] && echo 'with the credentials: its backend and providers are the base'"'"'s' || echo 'with no credentials: new stack, or its providers changed'))"
  if "${run[@]}" terraform -chdir="$dir" init -input=false -no-color > "$PLANS/$name.init.log" 2>&1 &&
    "${run[@]}" terraform -chdir="$dir" plan -input=false -no-color -lock=false -out=plan.bin "$@" > "$PLANS/$name.plan.log" 2>&1 &&
    "${run[@]}" terraform -chdir="$dir" show -json plan.bin > "$PLANS/$name.json" 2> "$PLANS/$name.show.log"; then
    rm -f "$dir/plan.bin"
    return 0
  fi
  rm -f "$PLANS/$name.json"
  echo "terraform failed for stack $name (see $name.init.log / $name.plan.log)" > "$PLANS/$name.failed"
  echo "::warning::stack $name could not be planned; the review names it"
}

for arg in "$@"; do
  if [ "${arg#-}" != "$arg" ]; then
    name=${arg#-}
    # Removed by the head: destroy what the base has, with the base's own (trusted) configuration.
    plan_one "$name" "$BASE_OUT/stacks/$name" yes -destroy
  elif [ -f "$BASE_OUT/stacks/$arg/cdk.tf.json" ] && node "$SCRIPTS/same-config.js" "$BASE_OUT/stacks/$arg" "$HEAD_PLAN/stacks/$arg"; then
    plan_one "$arg" "$HEAD_PLAN/stacks/$arg" yes
  else
    plan_one "$arg" "$HEAD_PLAN/stacks/$arg" no
  fi
done
