# Step 1: the cluster zones exists, with one worker labelled zone=zone-a and one
# zone=zone-b.
. /var/kubeniwa/lib.sh

zones=$(kubectl --context kind-zones get nodes --output jsonpath='{range .items[*]}{.metadata.labels.zone}{"\n"}{end}' 2>/dev/null) ||
  fail "クラスタ zones がありません。kind create cluster --name zones --config kind-zones.yaml で作ってください。" \
       "There is no cluster named zones. Create it with kind create cluster --name zones --config kind-zones.yaml."

zones=$(echo "$zones" | grep . | sort | tr '\n' ' ')
[ "$zones" = "zone-a zone-b " ] ||
  fail "ノードの zone ラベルが「${zones:-なし}」です。kind-zones.yaml の2つの worker に zone: zone-a と zone: zone-b を付けて、クラスタを作り直してください。" \
       "The nodes' zone labels are \"${zones:-none}\". Give the two workers of kind-zones.yaml zone: zone-a and zone: zone-b, and create the cluster again."

say "zone-a と zone-b の2つのゾーンに worker が1台ずつあるクラスタができました。" \
    "Your cluster has one worker in zone-a and one in zone-b."
