# Step 1: the ReplicaSet httpserver has three ready pods.
. /var/kubeniwa/lib.sh

desired=$(kubectl get replicaset httpserver --namespace default --output jsonpath='{.spec.replicas}' 2>/dev/null) ||
  fail "ReplicaSet httpserver がまだありません。replicaset.yaml を保存して kubectl apply --filename replicaset.yaml を実行してください。" \
       "There is no ReplicaSet named httpserver yet. Save replicaset.yaml and run kubectl apply --filename replicaset.yaml."

[ "$desired" = 3 ] ||
  fail "httpserver の replicas が $desired です。3 にしてください。" \
       "httpserver has replicas: $desired; it should be 3."

ready=$(kubectl get replicaset httpserver --namespace default --output jsonpath='{.status.readyReplicas}' 2>/dev/null)
[ "${ready:-0}" = 3 ] ||
  fail "準備できた Pod はまだ ${ready:-0} 個です。少し待ってから kubectl get replicaset httpserver で確かめ、もう一度チェックしてください。" \
       "Only ${ready:-0} pods are ready so far. Wait a little, look with kubectl get replicaset httpserver, and check again."

say "ReplicaSet httpserver の Pod が3つ動いています。" "The ReplicaSet httpserver runs three pods."
