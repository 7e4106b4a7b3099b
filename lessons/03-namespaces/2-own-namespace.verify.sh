# Step 2: the namespace dev exists, a pod runs in it, and the current context uses it
# by default.
. /var/kubeniwa/lib.sh

phase=$(kubectl get namespace dev --output jsonpath='{.status.phase}' 2>/dev/null) ||
  fail "Namespace dev がありません。kubectl create namespace dev で作ってください。" \
       "There is no namespace dev. Create it with kubectl create namespace dev."

[ "$phase" = Active ] ||
  fail "Namespace dev は $phase です。削除が終わるまで待ってから、作り直してください。" \
       "The namespace dev is $phase. Wait until it is gone, then create it again."

running=$(kubectl get pods --namespace dev --output jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' 2>/dev/null | grep -c '^Running$')
[ "$running" -ge 1 ] ||
  fail "dev で動いている Pod がまだありません。kubectl run nginx --image nginx:1.25.3 --namespace dev で作り、Running になるまで待ってください。" \
       "No pod runs in dev yet. Make one with kubectl run nginx --image nginx:1.25.3 --namespace dev and wait until it is Running."

ns=$(kubectl config get-contexts 2>/dev/null | awk '$1 == "*" { print $5 }')
[ "$ns" = dev ] ||
  fail "--namespace を付けないときの Namespace はまだ ${ns:-default} です。kubectl config set-context --current --namespace dev を実行してください。" \
       "Without --namespace, kubectl still uses ${ns:-default}. Run kubectl config set-context --current --namespace dev."

say "これで kubectl get pods だけで dev の Pod が見えます。default に戻すには kubectl config set-context --current --namespace default です。" \
    "Now plain kubectl get pods shows the pods in dev. To go back: kubectl config set-context --current --namespace default."
