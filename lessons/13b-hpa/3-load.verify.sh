# Step 3: a load-generator pod keeps calling the Service, and over the step the HPA
# raised the replicas above one.
. /var/kubeniwa/lib.sh

phase=$(kubectl get pod load-generator --namespace default --output jsonpath='{.status.phase}' 2>/dev/null) ||
  fail "Pod load-generator がありません。kubectl run load-generator ... で負荷をかけてください。" \
       "There is no pod named load-generator. Generate load with kubectl run load-generator ...."

[ "$phase" = Running ] ||
  fail "load-generator が Running ではありません ($phase)。数秒待ってから、もう一度チェックしてください。" \
       "load-generator is not Running ($phase). Wait a few seconds and check again."

# Over time: the HPA's replicas, version by version since the step opened.
peak=$(changes horizontalpodautoscalers hello-server-hpa | jq -s 'map(.status.currentReplicas // 0) | max // 0')
[ "$peak" -ge 2 ] ||
  fail "HPA はまだ Pod を増やしていません (最大 $peak 個)。負荷がかかったまま1〜2分待ち (sleep 60)、kubectl get hpa を見てから、もう一度チェックしてください。" \
       "The HPA has not added pods yet (at most $peak). Keep the load on for a minute or two (sleep 60), look at kubectl get hpa, and check again."

ran '(kubectl|k) (.* )?get +(hpa|horizontalpodautoscalers?)( |$)' ||
  fail "kubectl get hpa で、TARGETS と REPLICAS の変化を見てみましょう。" \
       "Watch TARGETS and REPLICAS change with kubectl get hpa."

say "負荷で CPU 使用率が 50% を超え、HPA が Pod を $peak 個まで増やしました。" \
    "The load pushed the CPU utilisation above 50%, and the HPA scaled out to $peak pods."
