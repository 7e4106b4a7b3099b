# memory-demo asks stress for 250 MB but may use only 100 Mi: the kernel kills it
# (OOMKilled), again and again. memory-demo.yaml is what was applied.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete pod memory-demo --namespace default --ignore-not-found --grace-period 0 >/dev/null 2>&1
cat > ~/memory-demo.yaml <<'MANIFEST'
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo
spec:
  containers:
  - name: memory-demo-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
MANIFEST
kubectl apply --filename ~/memory-demo.yaml --namespace default >/dev/null
sleep 40
