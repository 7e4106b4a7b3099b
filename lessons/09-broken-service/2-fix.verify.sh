# Step 2: the learner compared the live Service with service.yaml using kubectl diff,
# and applied it: the Service selects the three pods again.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?diff ' ||
  fail "直す前に、kubectl diff --filename service.yaml で、動いている Service と service.yaml の違いを確かめましょう。" \
       "Before fixing it, compare the live Service with service.yaml: kubectl diff --filename service.yaml."

selector=$(kubectl get service hello-server-external --namespace default --output jsonpath='{.spec.selector.app}' 2>/dev/null) ||
  fail "Service hello-server-external がありません。kubectl apply --filename service.yaml で作ってください。" \
       "There is no Service named hello-server-external. Create it with kubectl apply --filename service.yaml."

[ "$selector" = hello-server ] ||
  fail "Service のセレクタはまだ app=$selector です。service.yaml を apply してください。" \
       "The Service still selects app=$selector. Apply service.yaml."

# The fix is the same Service, updated: deleting it would have changed its ClusterIP.
deleted=$(jq -c 'select(.type == "DELETED" and .resource == "services" and .name == "hello-server-external")' "$KUBENIWA_CHANGES" | grep -c .)
[ "$deleted" = 0 ] ||
  fail "Service を削除して作り直しました。同じ Service を apply で更新すれば、ClusterIP も変わらず、止まる時間もありません。" \
       "You deleted the Service and made it again. Updating it with apply keeps its ClusterIP and never leaves it missing."

kubectl diff --filename ~/service.yaml --namespace default >/dev/null 2>&1 ||
  fail "動いている Service と service.yaml にまだ違いがあります。kubectl diff --filename service.yaml で確かめてください。" \
       "The live Service still differs from service.yaml. See kubectl diff --filename service.yaml."

endpoints=$(kubectl get endpointslices --namespace default --selector kubernetes.io/service-name=hello-server-external --output jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{"\n"}{end}' 2>/dev/null | grep -c .)
[ "$endpoints" = 3 ] ||
  fail "Service の向き先 (Endpoints) が $endpoints 個です (3 個になるはず)。数秒待ってから、もう一度チェックしてください。" \
       "The Service has $endpoints endpoints (it should have 3). Wait a few seconds and check again."

say "直りました。Endpoints に Pod が3つ戻り、Service 経由でまた届きます。" \
    "Fixed: the three pods are back in Endpoints, and the app answers through the Service again."
