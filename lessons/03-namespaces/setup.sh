# The lesson starts from a running kind cluster without the namespace dev, with the
# context's namespace back to the default.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete namespace dev --ignore-not-found >/dev/null 2>&1
true
