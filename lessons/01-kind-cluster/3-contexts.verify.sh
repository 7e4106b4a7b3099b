# Step 3: a second cluster "dev" exists and the current context is back to kind-kind.
. /var/kubeniwa/lib.sh

kind get clusters 2>/dev/null | grep -qx dev ||
  fail "クラスタ dev がまだありません。kind create cluster --name dev で作ってください。" \
       "There is no cluster named dev yet. Create it with kind create cluster --name dev."

context=$(kubectl config current-context 2>/dev/null)
[ "$context" = kind-kind ] ||
  fail "今のコンテキストは ${context:-(なし)} です。kubectl config use-context kind-kind で kind-kind に戻してください。" \
       "The current context is ${context:-(none)}. Switch back with kubectl config use-context kind-kind."

say "dev クラスタを作り、コンテキストを kind-kind に戻せました。" \
    "You created the dev cluster and switched back to kind-kind."
