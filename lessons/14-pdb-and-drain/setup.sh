# The lesson starts from a running kind cluster whose node takes pods, without this
# lesson's objects.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl uncordon kind-control-plane >/dev/null 2>&1
kubectl delete poddisruptionbudget web-pdb --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete deployment web --namespace default --ignore-not-found >/dev/null 2>&1
true
