# Step 3 starts from web-spread, whose spread constraint names a node label the nodes
# of zones do not have: its pods stay Pending.
. /var/kubeniwa/lib.sh
kubectl config use-context kind-zones >/dev/null 2>&1
cat > ~/web-spread.yaml <<'MANIFEST'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-spread
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: web
      containers:
      - name: web
        image: nginx:1.25.3
MANIFEST
kubectl apply --filename ~/web-spread.yaml --namespace default >/dev/null
sleep 5
true
