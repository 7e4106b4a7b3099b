# Step 1: the learner looked at the pod and described it (Last State: OOMKilled, 137).
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?get +(pods?|po)( |/|$)' ||
  fail "まず kubectl get pod memory-demo で STATUS と RESTARTS を見てみましょう。" \
       "Start with STATUS and RESTARTS in kubectl get pod memory-demo."

ran '(kubectl|k) (.* )?(describe +(pods?|po)( |/|$)|get .*(-o *|--output[= ])(yaml|json))' ||
  fail "kubectl describe pod memory-demo の Last State で、コンテナが終了した理由を確かめましょう。" \
       "Find out why the container ended, in the Last State of kubectl describe pod memory-demo."

say "Reason: OOMKilled、Exit Code: 137。コンテナがメモリの上限 (limits: 100Mi) を超えて、カーネルに強制終了されています。" \
    "Reason: OOMKilled, Exit Code: 137. The container went over its memory limit (100Mi) and the kernel killed it."
