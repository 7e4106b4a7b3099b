# Step 1: hello-server runs three ready pods, and the ClusterIP Service
# hello-server-service selects them on port 8080.
. /var/kubeniwa/lib.sh

available=$(kubectl get deployment hello-server --namespace default --output jsonpath='{.status.availableReplicas}' 2>/dev/null) ||
  fail "Deployment hello-server がありません。hello-server.yaml を apply してください。" \
       "There is no Deployment named hello-server. Apply hello-server.yaml."

[ "${available:-0}" = 3 ] ||
  fail "hello-server の使える Pod は ${available:-0} 個です (3 個になるはず)。数秒待ってから、もう一度チェックしてください。" \
       "hello-server has ${available:-0} available pods (it should have 3). Wait a few seconds and check again."

type=$(kubectl get service hello-server-service --namespace default --output jsonpath='{.spec.type}' 2>/dev/null) ||
  fail "Service hello-server-service がありません。service.yaml を apply してください。" \
       "There is no Service named hello-server-service. Apply service.yaml."

[ "$type" = ClusterIP ] ||
  fail "hello-server-service の TYPE が $type です。service.yaml のとおり ClusterIP にしてください。" \
       "hello-server-service is of type $type. Make it a ClusterIP Service, as service.yaml does."

selector=$(kubectl get service hello-server-service --namespace default --output jsonpath='{.spec.selector.app}' 2>/dev/null)
[ "$selector" = hello-server ] ||
  fail "hello-server-service のセレクタが app=$selector です。Pod のラベル app=hello-server と合わせてください。" \
       "hello-server-service selects app=$selector. Make it match the pods' label, app=hello-server."

endpoints=$(kubectl get endpointslices --namespace default --selector kubernetes.io/service-name=hello-server-service --output jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{"\n"}{end}' 2>/dev/null | grep -c .)
[ "$endpoints" = 3 ] ||
  fail "hello-server-service の向き先 (Endpoints) が $endpoints 個です (3 個になるはず)。数秒待ってから、もう一度チェックしてください。" \
       "hello-server-service has $endpoints endpoints (it should have 3). Wait a few seconds and check again."

say "Service hello-server-service が、3つの Pod に振り分ける1つの IP アドレス (ClusterIP) になりました。" \
    "hello-server-service is now one IP address (its ClusterIP) that spreads connections over the three pods."
