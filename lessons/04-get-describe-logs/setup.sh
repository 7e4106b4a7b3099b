# A running pod myapp (hello-server 1.0) to look at, made a little while ago.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete pod myapp --namespace default --ignore-not-found --grace-period 0 >/dev/null 2>&1
rm -f ~/ip.txt
kubectl run myapp --image blux2/hello-server:1.0 --port 8080 --namespace default >/dev/null 2>&1
sleep 20
