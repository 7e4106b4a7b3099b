# hello-server runs fine, but someone applied a Service whose selector has a typo
# (app: hello-serve): it selects no pod. ~/service.yaml is the team's good definition.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete service hello-server-external hello-server-service --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete deployment hello-server --namespace default --ignore-not-found >/dev/null 2>&1

cat > ~/hello-server.yaml <<'MANIFEST'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-server
  labels:
    app: hello-server
spec:
  replicas: 3
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
        image: blux2/hello-server:1.0
        ports:
        - containerPort: 8080
MANIFEST

cat > ~/service.yaml <<'MANIFEST'
apiVersion: v1
kind: Service
metadata:
  name: hello-server-external
spec:
  type: NodePort
  selector:
    app: hello-server
  ports:
    - port: 8080
      targetPort: 8080
      nodePort: 30599
MANIFEST

sed 's/app: hello-server$/app: hello-serve/' ~/service.yaml > /var/kubeniwa/service-destruction.yaml
kubectl apply --filename ~/hello-server.yaml --namespace default >/dev/null
kubectl apply --filename /var/kubeniwa/service-destruction.yaml --namespace default >/dev/null
# The pods have been running for a while when the learner arrives.
sleep 30
