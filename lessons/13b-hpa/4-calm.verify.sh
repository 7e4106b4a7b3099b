# Step 4: the load is gone, and after the scale-down stabilisation window the HPA
# brought the replicas back down (seen over time since the step opened).
. /var/kubeniwa/lib.sh

kubectl get pod load-generator --namespace default >/dev/null 2>&1 &&
  fail "load-generator がまだ動いています。kubectl delete pod load-generator で負荷を止めてください。" \
       "load-generator is still running. Stop the load with kubectl delete pod load-generator."

now=$(kubectl get horizontalpodautoscaler hello-server-hpa --namespace default --output jsonpath='{.status.currentReplicas}' 2>/dev/null) ||
  fail "HorizontalPodAutoscaler hello-server-hpa がありません。" \
       "There is no HorizontalPodAutoscaler named hello-server-hpa."

peak=$(changes horizontalpodautoscalers hello-server-hpa | jq -s "map(.status.currentReplicas // 0) | max // $now")
[ "$now" -lt "$peak" ] ||
  fail "HPA はまだ Pod を減らしていません ($now 個)。縮小は負荷が消えてから5分 (安定化ウィンドウ) 待ってから始まります。sleep 300 のあと kubectl get hpa を見てください。" \
       "The HPA has not removed pods yet ($now). Scaling in waits five minutes after the load is gone (the stabilisation window): sleep 300, then look at kubectl get hpa."

say "負荷が消えて5分の安定化ウィンドウが過ぎ、HPA が Pod を $peak 個から $now 個に減らしました。" \
    "The load was gone, the five-minute stabilisation window passed, and the HPA scaled in from $peak to $now pods."
