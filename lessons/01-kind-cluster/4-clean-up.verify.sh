# Step 4: the dev cluster and its context are gone; the kind cluster is still there.
. /var/kubeniwa/lib.sh

clusters=$(kind get clusters 2>/dev/null)
echo "$clusters" | grep -qx dev &&
  fail "クラスタ dev がまだあります。kind delete cluster --name dev で削除してください。" \
       "The dev cluster is still there. Delete it with kind delete cluster --name dev."

echo "$clusters" | grep -qx kind ||
  fail "クラスタ kind がなくなっています。kind create cluster でもう一度作ってください (次のレッスンで使います)。" \
       "The kind cluster is gone. Create it again with kind create cluster (the next lesson uses it)."

kubectl config get-contexts 2>/dev/null | grep -q 'kind-dev' &&
  fail "kubeconfig にコンテキスト kind-dev が残っています。" \
       "Your kubeconfig still has the context kind-dev."

say "dev クラスタを削除しました。kind クラスタは残っています。" \
    "The dev cluster is gone, and the kind cluster is still there."
