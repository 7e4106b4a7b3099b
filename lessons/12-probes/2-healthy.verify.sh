# Step 2: httpserver-healthy (hello-server 2.0, whose /healthz keeps answering) is
# Ready and has not been restarted.
. /var/kubeniwa/lib.sh

ready=$(kubectl get pod httpserver-healthy --namespace default --output jsonpath='{.status.containerStatuses[0].ready}' 2>/dev/null) ||
  fail "Pod httpserver-healthy がありません。httpserver-healthy.yaml を apply してください。" \
       "There is no pod named httpserver-healthy. Apply httpserver-healthy.yaml."

path=$(kubectl get pod httpserver-healthy --namespace default --output jsonpath='{.spec.containers[0].livenessProbe.httpGet.path}' 2>/dev/null)
[ -n "$path" ] ||
  fail "httpserver-healthy に livenessProbe がありません。" \
       "httpserver-healthy has no liveness probe."

[ "$ready" = true ] ||
  fail "httpserver-healthy はまだ Ready ではありません。initialDelaySeconds の 5 秒と最初の成功を待ってから、もう一度チェックしてください。" \
       "httpserver-healthy is not Ready yet. Wait for initialDelaySeconds (5 s) and the first success, then check again."

restarts=$(kubectl get pod httpserver-healthy --namespace default --output jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null)
[ "$restarts" = 0 ] ||
  fail "httpserver-healthy が $restarts 回再起動しています。kubectl describe pod httpserver-healthy の Events を見てください。" \
       "httpserver-healthy has restarted $restarts times. Look at the Events of kubectl describe pod httpserver-healthy."

say "/healthz が答え続けるので、Pod は Ready のまま、再起動もありません。" \
    "/healthz keeps answering, so the pod stays Ready and is never restarted."
