# Step 3: the NodePort Service hello-server-external publishes the pods on port 30599
# of the node, and the learner reached it there.
. /var/kubeniwa/lib.sh

type=$(kubectl get service hello-server-external --namespace default --output jsonpath='{.spec.type}' 2>/dev/null) ||
  fail "Service hello-server-external がありません。service-nodeport.yaml を apply してください。" \
       "There is no Service named hello-server-external. Apply service-nodeport.yaml."

[ "$type" = NodePort ] ||
  fail "hello-server-external の TYPE が $type です。NodePort にしてください。" \
       "hello-server-external is of type $type. Make it a NodePort Service."

port=$(kubectl get service hello-server-external --namespace default --output jsonpath='{.spec.ports[0].nodePort}' 2>/dev/null)
[ "$port" = 30599 ] ||
  fail "hello-server-external の nodePort が $port です。service-nodeport.yaml のとおり 30599 にしてください。" \
       "hello-server-external has nodePort $port. Make it 30599, as service-nodeport.yaml does."

ran '(kubectl|k) (.* )?run .*curl.*:30599' ||
  fail "Pod の中から、ノードの IP アドレスの 30599 番ポートに curl してみましょう (ノードの IP アドレスは kubectl get nodes --output wide の INTERNAL-IP)。" \
       "From a pod, curl port 30599 of the node's IP address (the INTERNAL-IP of kubectl get nodes --output wide)."

say "ノードの 30599 番ポートに来た接続が、Service を通って Pod に届きました。" \
    "Connections to port 30599 of the node reach the pods through the Service."
