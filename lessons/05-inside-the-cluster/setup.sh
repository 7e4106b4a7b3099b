# The lesson needs the cluster and a running myapp (lesson 02 leaves both), and none
# of its own pods yet.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete pod curlpod --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete pod busybox --namespace default --ignore-not-found >/dev/null 2>&1
if ! kubectl get pod myapp --namespace default >/dev/null 2>&1; then
  [ -f ~/myapp.yaml ] || cat > ~/myapp.yaml <<'MANIFEST'
apiVersion: v1
kind: Pod
metadata:
  name: myapp
  labels:
    app: myapp
spec:
  containers:
  - name: hello-server
    image: blux2/hello-server:1.0
    ports:
    - containerPort: 8080
MANIFEST
  kubectl apply --filename ~/myapp.yaml --namespace default >/dev/null
  sleep 10
fi
true
