# Step 2: nginx-spread runs 4 pods spread with maxSkew 1 over the zone label: two per
# zone.
. /var/kubeniwa/lib.sh

key=$(kubectl --context kind-zones get deployment nginx-spread --namespace default --output jsonpath='{.spec.template.spec.topologySpreadConstraints[0].topologyKey}' 2>/dev/null) ||
  fail "Deployment nginx-spread がありません。spread.yaml を apply してください。" \
       "There is no Deployment named nginx-spread. Apply spread.yaml."

[ "$key" = zone ] ||
  fail "nginx-spread の topologySpreadConstraints の topologyKey が「$key」です。ノードのラベル zone を指定してください。" \
       "nginx-spread's topologySpreadConstraints has topologyKey \"$key\". Use the nodes' label, zone."

nodes=$(kubectl --context kind-zones get pods --namespace default --selector app=nginx --field-selector status.phase=Running --output jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' 2>/dev/null)
count=$(echo "$nodes" | grep -c .)
[ "$count" = 4 ] ||
  fail "Running の nginx の Pod が $count 個です。4つとも動くまで数秒待ってから、もう一度チェックしてください。" \
       "$count nginx pods are running. Wait a few seconds for all four, then check again."

a=$(echo "$nodes" | grep -cx 'zones-worker')
b=$(echo "$nodes" | grep -cx 'zones-worker2')
[ "$a" = 2 ] && [ "$b" = 2 ] ||
  fail "Pod が zone-a に $a 個、zone-b に $b 個です。2つずつに分散するはずです。" \
       "There are $a pods in zone-a and $b in zone-b; they should be spread two and two."

say "4つの Pod が zone-a と zone-b に2つずつ分散しました (差は maxSkew の 1 以下)。" \
    "The four pods are spread two per zone (a difference within maxSkew, 1)."
