# Step 1: httpserver-readiness was Ready, then its probes failed: it was taken out
# (not Ready) and restarted by the liveness probe; the learner read the Events.
. /var/kubeniwa/lib.sh

restarts=$(kubectl get pod httpserver-readiness --namespace default --output jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null) ||
  fail "Pod httpserver-readiness がありません。httpserver-readiness.yaml を apply してください。" \
       "There is no pod named httpserver-readiness. Apply httpserver-readiness.yaml."

# Over time: the pod's Ready condition, version by version since the step opened.
readiness=$(changes pods httpserver-readiness | jq -r '.status.conditions // [] | map(select(.type == "Ready"))[0].status // "None"' | uniq | tr '\n' ' ')
case "$readiness" in
  *True*False*) ;;
  *True*)
    fail "httpserver-readiness は Ready になりました。/healthz が失敗し始めるまで 30 秒ほど待ってから (sleep 30)、もう一度チェックしてください。" \
         "httpserver-readiness became Ready. Wait half a minute for /healthz to start failing (sleep 30), then check again." ;;
  *)
    fail "httpserver-readiness はまだ一度も Ready になっていません。数秒待ってから、もう一度チェックしてください。" \
         "httpserver-readiness has not been Ready yet. Wait a few seconds and check again." ;;
esac

[ "${restarts:-0}" -ge 1 ] ||
  fail "readinessProbe が失敗して Ready ではなくなりました。livenessProbe が再起動するまで、もう少し待ってください。" \
       "The readiness probe failed and the pod is no longer Ready. Wait a little more for the liveness probe to restart it."

ran '(kubectl|k) (.* )?describe +(pods?|po)( |/|$)' ||
  fail "kubectl describe pod httpserver-readiness の Events で、何が起きたか確かめましょう。" \
       "See what happened in the Events of kubectl describe pod httpserver-readiness."

say "Ready → 失敗で Ready でなくなる (Service から外れる) → liveness の失敗で再起動 (RESTARTS が増える)、を見届けました。" \
    "You saw it: Ready, then not Ready when the probe failed (out of Services), then restarted when liveness failed (RESTARTS went up)."
