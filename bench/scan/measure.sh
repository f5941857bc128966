# Sourced by the scan bench scripts. measure LABEL COMMAND...: runs COMMAND $RUNS times under GNU time and prints the
# median wall time and the peak RSS. Needs $out (a scratch folder) and $RUNS.
measure() {
  local label=$1; shift
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$out/t" "$@" >/dev/null 2>&1 || true
    read -r secs kb < <(tail -n 1 "$out/t")
    times+=("$secs"); [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '%-44s median %6.2f s   peak RSS %6.1f MiB\n' "$label" "$median" "$(echo "$rss / 1024" | bc -l)"
}
