# Step 2: the node takes pods again.
. /var/kubeniwa/lib.sh

unschedulable=$(kubectl get node kind-control-plane --output jsonpath='{.spec.unschedulable}' 2>/dev/null)
[ "$unschedulable" != true ] ||
  fail "kind-control-plane はまだ SchedulingDisabled です。kubectl uncordon kind-control-plane で戻してください。" \
       "kind-control-plane is still SchedulingDisabled. Put it back with kubectl uncordon kind-control-plane."

ran '(kubectl|k) (.* )?uncordon ' ||
  fail "kubectl uncordon kind-control-plane でノードを戻してください。" \
       "Put the node back with kubectl uncordon kind-control-plane."

say "ノードはまた新しい Pod を受け付けます。" "The node takes new pods again."
