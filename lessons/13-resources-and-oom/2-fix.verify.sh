# Step 2: memory-demo runs with requests = limits = 300Mi (Guaranteed), without
# restarts, and memory-demo.yaml says so.
. /var/kubeniwa/lib.sh

limit=$(kubectl get pod memory-demo --namespace default --output jsonpath='{.spec.containers[0].resources.limits.memory}' 2>/dev/null) ||
  fail "Pod memory-demo がありません。memory-demo.yaml を apply してください。" \
       "There is no pod named memory-demo. Apply memory-demo.yaml."

[ "$limit" = 300Mi ] ||
  fail "memory-demo のメモリの limits はまだ $limit です。stress は 250M 使うので、300Mi にしてください (Pod を消してから apply)。" \
       "memory-demo's memory limit is still $limit. stress uses 250M: make it 300Mi (delete the pod, then apply)."

qos=$(kubectl get pod memory-demo --namespace default --output jsonpath='{.status.qosClass}' 2>/dev/null)
[ "$qos" = Guaranteed ] ||
  fail "QoS クラスが $qos です。CPU とメモリの両方で requests を limits と同じにすると Guaranteed になります (memory 300Mi、cpu 100m など)。" \
       "The QoS class is $qos. For Guaranteed, make requests equal to limits for both memory and CPU (say 300Mi and 100m)."

grep -q '300Mi' ~/memory-demo.yaml ||
  fail "Pod は直りましたが、memory-demo.yaml はまだ古いままです。次に apply するとまた壊れます。" \
       "The pod is fixed, but memory-demo.yaml is not: the next apply would break it again."

phase=$(kubectl get pod memory-demo --namespace default --output jsonpath='{.status.phase}/{.status.containerStatuses[0].ready}/{.status.containerStatuses[0].restartCount}' 2>/dev/null)
[ "$phase" = Running/true/0 ] ||
  fail "memory-demo はまだ安定して動いていません (phase/ready/restarts = $phase)。数秒待ってから、もう一度チェックしてください。" \
       "memory-demo is not running steadily yet (phase/ready/restarts = $phase). Wait a few seconds and check again."

say "250M を使うプロセスが、上限 300Mi の中で再起動なしに動いています。QoS は Guaranteed です。" \
    "The 250M process runs within its 300Mi limit with no restarts, and its QoS class is Guaranteed."
