# Step 3: the learner found why web-spread's pods were Pending (describe or events),
# fixed its topologyKey to the nodes' label, and both pods run in different zones.
. /var/kubeniwa/lib.sh

key=$(kubectl --context kind-zones get deployment web-spread --namespace default --output jsonpath='{.spec.template.spec.topologySpreadConstraints[0].topologyKey}' 2>/dev/null) ||
  fail "Deployment web-spread がありません。web-spread.yaml を apply してください。" \
       "There is no Deployment named web-spread. Apply web-spread.yaml."

ran '(kubectl|k) (.* )?(describe|events|get (events|ev))( |$)' ||
  fail "Pending の Pod を kubectl describe pod (または kubectl get events) で調べ、FailedScheduling のメッセージを読みましょう。" \
       "Look at the Pending pods with kubectl describe pod (or kubectl get events) and read the FailedScheduling message."

[ "$key" = zone ] ||
  fail "web-spread の topologyKey が「$key」のままです。ノードにあるラベル (kubectl get nodes --show-labels) に合わせて web-spread.yaml を直し、apply してください。" \
       "web-spread's topologyKey is still \"$key\". Fix web-spread.yaml to use a label the nodes have (kubectl get nodes --show-labels), and apply it."

nodes=$(kubectl --context kind-zones get pods --namespace default --selector app=web --output jsonpath='{range .items[*]}{.status.phase} {.spec.nodeName}{"\n"}{end}' 2>/dev/null)
pending=$(echo "$nodes" | grep -c '^Pending')
running=$(echo "$nodes" | grep '^Running' | sort -u -k2 | grep -c .)
[ "$pending" = 0 ] && [ "$running" = 2 ] ||
  fail "web の Pod がまだ2つのゾーンで動いていません (Pending $pending 個)。数秒待ってから、もう一度チェックしてください。" \
       "web's pods do not run in both zones yet ($pending Pending). Wait a few seconds and check again."

say "topologyKey をノードのラベル zone に直したので、Pod が2つのゾーンに1つずつスケジュールされました。" \
    "With the topologyKey fixed to the nodes' label, zone, the pods were scheduled one per zone."
