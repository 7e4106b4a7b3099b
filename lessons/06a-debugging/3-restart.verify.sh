# Step 3: the ConfigMap says PORT 8082 (changed with kubectl edit), and the Deployment
# was restarted so that its pods read it: the server now listens on 8082.
. /var/kubeniwa/lib.sh

port=$(kubectl get configmap hello-server-configmap --namespace default --output jsonpath='{.data.PORT}' 2>/dev/null) ||
  fail "ConfigMap hello-server-configmap がありません。hello-server-env.yaml を apply してください。" \
       "There is no ConfigMap named hello-server-configmap. Apply hello-server-env.yaml."

[ "$port" = 8082 ] ||
  fail "ConfigMap の PORT は \"$port\" のままです。kubectl edit configmap hello-server-configmap で 8082 に変えてください。" \
       "The ConfigMap's PORT is still \"$port\". Change it to 8082 with kubectl edit configmap hello-server-configmap."

ran '(kubectl|k) (.* )?edit ' ||
  fail "この練習では kubectl edit で ConfigMap を直接書き換えてみましょう。" \
       "In this exercise, change the ConfigMap in place with kubectl edit."

ran_in_order '(kubectl|k) (.* )?edit ' '(kubectl|k) (.* )?rollout restart' ||
  fail "ConfigMap を変えても、環境変数は動いている Pod には反映されません。kubectl rollout restart deployment/hello-server で Pod を作り直しましょう。" \
       "Changing the ConfigMap does not change the environment of running pods. Recreate them with kubectl rollout restart deployment/hello-server."

ready=$(kubectl get deployment hello-server --namespace default --output jsonpath='{.status.updatedReplicas}/{.status.readyReplicas}/{.status.replicas}' 2>/dev/null)
[ "$ready" = 1/1/1 ] ||
  fail "ロールアウトがまだ終わっていません (updated/ready/total: $ready)。数秒待ってから、もう一度チェックしてください。" \
       "The rollout has not finished yet (updated/ready/total: $ready). Wait a few seconds and check again."

kubectl logs deployment/hello-server --namespace default 2>/dev/null | grep -q 'port 8082' ||
  fail "hello-server はまだ 8082 で待ち受けていません。kubectl logs deployment/hello-server で確かめましょう。" \
       "hello-server does not listen on 8082 yet. Check with kubectl logs deployment/hello-server."

say "ConfigMap を書き換え、rollout restart で Pod を作り直したので、新しい PORT (8082) が効きました。" \
    "You changed the ConfigMap and recreated the pods with rollout restart, so the new PORT (8082) took effect."
