# Step 1: the learner ran a one-off pod with kubectl run --rm, and it is gone again.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?run .*--rm' ||
  fail "kubectl run ... --rm で、コマンドを1回だけ実行する Pod を動かしてみましょう。" \
       "Run a one-off pod with kubectl run ... --rm."

kubectl get pod busybox --namespace default >/dev/null 2>&1 &&
  fail "Pod busybox が残っています。--rm を付けると、終わったときに削除されます。kubectl delete pod busybox で削除してください。" \
       "The pod busybox is still there. With --rm it is deleted when it ends; delete it with kubectl delete pod busybox."

say "使い捨ての Pod でコマンドを実行し、Pod は自動で削除されました。" \
    "You ran a command in a throwaway pod, and the pod was deleted for you."
