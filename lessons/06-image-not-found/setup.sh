# Someone "upgraded" myapp to a tag that was never pushed: myapp.yaml names
# blux2/hello-server:1.1, and the pod from it has been failing to pull for a while.
. /var/kubeniwa/lib.sh
ensure_cluster

kubectl delete pod myapp --namespace default --ignore-not-found >/dev/null 2>&1
cat > ~/myapp.yaml <<'MANIFEST'
apiVersion: v1
kind: Pod
metadata:
  name: myapp
  labels:
    app: myapp
spec:
  containers:
  - name: hello-server
    image: blux2/hello-server:1.1
    ports:
    - containerPort: 8080
MANIFEST
kubectl apply --filename ~/myapp.yaml --namespace default >/dev/null
# Let the kubelet try, fail and back off a few times, as if this happened a while ago.
sleep 90
