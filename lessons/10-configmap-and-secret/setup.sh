# The lesson starts from a running kind cluster without this lesson's objects, so it
# can be started again from the beginning.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete deployment hello-server hello-config --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete pod db-client --namespace default --ignore-not-found --grace-period 0 >/dev/null 2>&1
kubectl delete configmap hello-server-configmap hello-server-file --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete secret db-secret --namespace default --ignore-not-found >/dev/null 2>&1
true
