# Step 2: the notes' hpa-handson Deployment and hello-server-hpa exist, and the HPA
# reads a CPU utilisation.
. /var/kubeniwa/lib.sh

kubectl get deployment hpa-handson --namespace default >/dev/null 2>&1 ||
  fail "Deployment hpa-handson がありません。hpa-hello-server.yaml を apply してください。" \
       "There is no Deployment named hpa-handson. Apply hpa-hello-server.yaml."

target=$(kubectl get horizontalpodautoscaler hello-server-hpa --namespace default --output jsonpath='{.spec.metrics[0].resource.target.averageUtilization}' 2>/dev/null) ||
  fail "HorizontalPodAutoscaler hello-server-hpa がありません。hpa-hello-server.yaml を apply してください。" \
       "There is no HorizontalPodAutoscaler named hello-server-hpa. Apply hpa-hello-server.yaml."

[ "$target" = 50 ] ||
  fail "hello-server-hpa の目標 CPU 使用率が「$target」です。averageUtilization: 50 にしてください。" \
       "hello-server-hpa's target CPU utilisation is \"$target\". Set averageUtilization: 50."

current=$(kubectl get horizontalpodautoscaler hello-server-hpa --namespace default --output jsonpath='{.status.currentMetrics[0].resource.current.averageUtilization}' 2>/dev/null)
[ -n "$current" ] ||
  fail "HPA はまだ CPU 使用率を読めていません (TARGETS が <unknown>)。1分ほど待ってから (sleep 60)、もう一度チェックしてください。" \
       "The HPA cannot read the CPU utilisation yet (TARGETS is <unknown>). Wait a minute (sleep 60) and check again."

say "HPA が CPU 使用率 ($current%) を読み、目標 50% と比べています。" \
    "The HPA reads the CPU utilisation ($current%) and compares it with the 50% target."
