# Step 3 starts from hello-server (a Deployment reading PORT from a ConfigMap) running
# on port 8081.
. /var/kubeniwa/lib.sh
ensure_cluster
if ! kubectl get deployment hello-server --namespace default >/dev/null 2>&1; then
  cat > ~/hello-server-env.yaml <<'MANIFEST'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-server
  labels:
    app: hello-server
spec:
  replicas: 1
  selector:
    matchLabels:
      app: hello-server
  template:
    metadata:
      labels:
        app: hello-server
    spec:
      containers:
      - name: hello-server
        image: blux2/hello-server:1.4
        env:
        - name: PORT
          valueFrom:
            configMapKeyRef:
              name: hello-server-configmap
              key: PORT
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: hello-server-configmap
data:
  PORT: "8081"
MANIFEST
  kubectl apply --filename ~/hello-server-env.yaml --namespace default >/dev/null
  sleep 30
fi
true
