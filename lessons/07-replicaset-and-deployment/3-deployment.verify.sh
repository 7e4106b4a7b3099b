# Step 3: the ReplicaSet httpserver is gone and nginx-deployment runs three nginx:1.24.0
# pods.
. /var/kubeniwa/lib.sh

kubectl get replicaset httpserver --namespace default >/dev/null 2>&1 &&
  fail "ReplicaSet httpserver がまだあります。kubectl delete replicaset httpserver で削除してください。" \
       "The ReplicaSet httpserver is still there. Delete it with kubectl delete replicaset httpserver."

image=$(kubectl get deployment nginx-deployment --namespace default --output jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null) ||
  fail "Deployment nginx-deployment がまだありません。deployment.yaml を保存して kubectl apply --filename deployment.yaml を実行してください。" \
       "There is no Deployment named nginx-deployment yet. Save deployment.yaml and run kubectl apply --filename deployment.yaml."

[ "$image" = nginx:1.24.0 ] ||
  fail "nginx-deployment のイメージが $image です。このステップでは nginx:1.24.0 で作ってください (更新は次のステップで行います)。" \
       "nginx-deployment uses $image. Create it with nginx:1.24.0 in this step (the update comes next)."

available=$(kubectl get deployment nginx-deployment --namespace default --output jsonpath='{.status.availableReplicas}' 2>/dev/null)
[ "${available:-0}" = 3 ] ||
  fail "使える Pod はまだ ${available:-0} 個です。kubectl rollout status deployment nginx-deployment で待ってから、もう一度チェックしてください。" \
       "Only ${available:-0} pods are available so far. Wait with kubectl rollout status deployment nginx-deployment, then check again."

say "Deployment nginx-deployment が nginx:1.24.0 の Pod を3つ動かしています。" \
    "The Deployment nginx-deployment runs three nginx:1.24.0 pods."
