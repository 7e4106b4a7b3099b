# Step 2: the learner reached the Service by its DNS name from a pod.
. /var/kubeniwa/lib.sh

kubectl get service hello-server-service --namespace default >/dev/null 2>&1 ||
  fail "Service hello-server-service がありません。前のステップからやり直してください。" \
       "There is no Service named hello-server-service. Go back to the previous step."

ran '(kubectl|k) (.* )?run .*curl.* (http://)?hello-server-service(\.default(\.svc(\.cluster\.local)?)?)?:8080' ||
  fail "Pod の中から、DNS 名 hello-server-service.default.svc.cluster.local:8080 に curl してみましょう (kubectl run curl ... -- curl ...)。" \
       "From a pod, curl the DNS name hello-server-service.default.svc.cluster.local:8080 (kubectl run curl ... -- curl ...)."

say "IP アドレスを覚えなくても、<Service名>.<Namespace名>.svc.cluster.local で届きました。" \
    "No IP address to remember: <service>.<namespace>.svc.cluster.local reaches it."
