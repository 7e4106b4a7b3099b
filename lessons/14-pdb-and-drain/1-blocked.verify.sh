# Step 1: web runs two pods under a PDB with minAvailable 2; the learner tried to drain
# the node: it is cordoned, and the PDB kept both pods running.
. /var/kubeniwa/lib.sh

min=$(kubectl get poddisruptionbudget web-pdb --namespace default --output jsonpath='{.spec.minAvailable}' 2>/dev/null) ||
  fail "PodDisruptionBudget web-pdb がありません。web.yaml を apply してください。" \
       "There is no PodDisruptionBudget named web-pdb. Apply web.yaml."

ran '(kubectl|k) (.* )?drain ' ||
  fail "Pod が2つ動いたら、kubectl drain kind-control-plane --ignore-daemonsets --pod-selector app=web --timeout 20s でノードを空けようとしてみましょう。" \
       "When two pods run, try to empty the node: kubectl drain kind-control-plane --ignore-daemonsets --pod-selector app=web --timeout 20s."

unschedulable=$(kubectl get node kind-control-plane --output jsonpath='{.spec.unschedulable}' 2>/dev/null)
[ "$unschedulable" = true ] ||
  fail "ノードが cordon されていません (SchedulingDisabled ではない)。drain をもう一度試してください。" \
       "The node is not cordoned (not SchedulingDisabled). Try the drain again."

running=$(kubectl get pods --namespace default --selector app=web --output jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' 2>/dev/null | grep -c '^Running$')
[ "$running" = 2 ] ||
  fail "web の Running の Pod が $running 個です。minAvailable: $min の PDB があれば、drain は2つとも動かしたままにするはずです。" \
       "web has $running running pods. With a PDB of minAvailable: $min, the drain should have left both running."

say "drain はノードを cordon しましたが、PDB (ALLOWED DISRUPTIONS 0) のせいで Pod を追い出せず、時間切れで止まりました。" \
    "The drain cordoned the node, but the PDB (ALLOWED DISRUPTIONS 0) let it evict no pod, and it gave up at the timeout."
