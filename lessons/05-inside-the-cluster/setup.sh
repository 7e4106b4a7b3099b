# The lesson needs the cluster and a running myapp (lesson 02 leaves both), and none
# of its own pods yet.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete pod curlpod --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete pod busybox --namespace default --ignore-not-found >/dev/null 2>&1
ensure_myapp
true
