# The lesson needs the cluster and a running myapp (lesson 02 leaves both), and no
# debug containers or Deployment of its own yet.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete deployment hello-server --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete configmap hello-server-configmap --namespace default --ignore-not-found >/dev/null 2>&1
# A pod that already has a debug container is recreated: ephemeral containers stay.
if [ -n "$(kubectl get pod myapp --namespace default --output jsonpath='{.spec.ephemeralContainers[*].name}' 2>/dev/null)" ]; then
  kubectl delete pod myapp --namespace default >/dev/null 2>&1
fi
ensure_myapp
true
