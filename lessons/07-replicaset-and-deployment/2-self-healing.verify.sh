# Step 2: the learner deleted one of httpserver's pods and the ReplicaSet replaced it.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?delete +(pods?|po)( .*)? (pods?/)?(httpserver-|\$\()|(kubectl|k) (.* )?delete +(pods?|po)/httpserver-' ||
  fail "httpserver の Pod をまだ削除していません。kubectl delete pod httpserver-xxxxx (名前は kubectl get pods で確認) を実行してください。" \
       "You have not deleted a pod of httpserver yet. Run kubectl delete pod httpserver-xxxxx (find the name with kubectl get pods)."

ready=$(kubectl get replicaset httpserver --namespace default --output jsonpath='{.status.readyReplicas}' 2>/dev/null)
[ "${ready:-0}" = 3 ] ||
  fail "準備できた Pod は今 ${ready:-0} 個です。ReplicaSet が新しい Pod を用意するまで少し待って、もう一度チェックしてください。" \
       "${ready:-0} pods are ready right now. Give the ReplicaSet a moment to bring up the new pod, then check again."

say "削除した Pod の代わりに、ReplicaSet が新しい Pod を作りました。" \
    "The ReplicaSet replaced the pod you deleted with a new one."
