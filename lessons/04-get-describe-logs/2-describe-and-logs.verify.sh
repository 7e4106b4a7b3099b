# Step 2: the learner described the pod and read its log.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?describe +(pods?|po)( |/|$)' ||
  fail "kubectl describe pod myapp で、Pod の詳細と Events を見てみましょう。" \
       "See the pod's details and its Events with kubectl describe pod myapp."

ran '(kubectl|k) (.* )?logs ' ||
  fail "kubectl logs myapp で、コンテナのログを見てみましょう。" \
       "Read the container's log with kubectl logs myapp."

say "describe は状態と出来事 (Events) を、logs はコンテナ自身が出力したものを見せます。" \
    "describe shows state and what happened (Events); logs shows what the container itself printed."
