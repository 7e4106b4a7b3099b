# The lesson starts from the kind cluster without a metrics-server and without this
# lesson's objects. Other lessons' pods labelled app=hello-server (the notes' label)
# go too: the HPA would count them, and without CPU requests it could not compute a
# utilisation (missing request for cpu).
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete pod load-generator --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete horizontalpodautoscaler hello-server-hpa --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete deployment hpa-handson --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete service hello-server-service --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete deployment,replicaset,pod --selector app=hello-server --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete deployment metrics-server --namespace kube-system --ignore-not-found >/dev/null 2>&1
kubectl delete service metrics-server --namespace kube-system --ignore-not-found >/dev/null 2>&1
kubectl delete apiservice v1beta1.metrics.k8s.io --ignore-not-found >/dev/null 2>&1
true
