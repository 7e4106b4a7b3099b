# Step 1: hello-server (1.4) takes PORT from the ConfigMap hello-server-configmap
# (8081), runs, and the learner reached it on 8081.
. /var/kubeniwa/lib.sh

port=$(kubectl get configmap hello-server-configmap --namespace default --output jsonpath='{.data.PORT}' 2>/dev/null) ||
  fail "ConfigMap hello-server-configmap がありません。hello-server-env.yaml を apply してください。" \
       "There is no ConfigMap named hello-server-configmap. Apply hello-server-env.yaml."

[ "$port" = 8081 ] ||
  fail "ConfigMap の PORT が「$port」です。8081 にしてください。" \
       "The ConfigMap's PORT is \"$port\". Make it 8081."

ref=$(kubectl get deployment hello-server --namespace default --output jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="PORT")].valueFrom.configMapKeyRef.name}' 2>/dev/null) ||
  fail "Deployment hello-server がありません。hello-server-env.yaml を apply してください。" \
       "There is no Deployment named hello-server. Apply hello-server-env.yaml."

[ "$ref" = hello-server-configmap ] ||
  fail "hello-server の環境変数 PORT が ConfigMap hello-server-configmap を参照していません。" \
       "hello-server's environment variable PORT does not come from the ConfigMap hello-server-configmap."

available=$(kubectl get deployment hello-server --namespace default --output jsonpath='{.status.availableReplicas}' 2>/dev/null)
[ "${available:-0}" -ge 1 ] ||
  fail "hello-server の Pod がまだ使える状態になっていません。数秒待ってから、もう一度チェックしてください (kubectl get pods で STATUS も見てみましょう)。" \
       "hello-server's pod is not available yet. Wait a few seconds and check again (and look at its STATUS in kubectl get pods)."

ran '(kubectl|k) (.* )?run .*curl.*:8081' ||
  fail "Pod の中から、hello-server の Pod の IP アドレスの 8081 番ポートに curl してみましょう。" \
       "From a pod, curl port 8081 of hello-server's pod IP address."

say "アプリは ConfigMap から受け取ったポート 8081 で待ち受けています。" \
    "The app listens on 8081, the port it got from the ConfigMap."
