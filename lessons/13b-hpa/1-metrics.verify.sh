# Step 1: metrics-server runs in kube-system with --kubelet-insecure-tls, and the
# Metrics API answers.
. /var/kubeniwa/lib.sh

args=$(kubectl get deployment metrics-server --namespace kube-system --output jsonpath='{.spec.template.spec.containers[0].args}' 2>/dev/null) ||
  fail "kube-system に metrics-server がありません。公式のマニフェストを URL から apply してください。" \
       "There is no metrics-server in kube-system. Apply its official manifest from its URL."

case "$args" in
  *--kubelet-insecure-tls*) ;;
  *) fail "metrics-server に --kubelet-insecure-tls がないので、kind のノードからメトリクスを集められません。kubectl patch で引数を追加してください。" \
          "metrics-server lacks --kubelet-insecure-tls, so it cannot scrape kind's nodes. Add the argument with kubectl patch." ;;
esac

kubectl top node >/dev/null 2>&1 ||
  fail "Metrics API がまだ使えません。metrics-server が起動するまで1分ほど待ち (sleep 60)、kubectl top node を試してください。" \
       "The Metrics API is not available yet. Wait a minute for metrics-server to start (sleep 60), then try kubectl top node."

ran '(kubectl|k) (.* )?top ' ||
  fail "kubectl top node で、ノードの CPU とメモリの使用量を見てみましょう。" \
       "Look at the node's CPU and memory use with kubectl top node."

say "metrics-server が動き、kubectl top でリソースの使用量が見えるようになりました。" \
    "metrics-server runs, and kubectl top shows resource use."
