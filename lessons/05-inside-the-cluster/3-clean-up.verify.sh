# Step 3: curlpod is gone and myapp is still there.
. /var/kubeniwa/lib.sh

kubectl get pod curlpod --namespace default >/dev/null 2>&1 &&
  fail "curlpod がまだあります。kubectl delete pod curlpod で削除してください。" \
       "curlpod is still there. Delete it with kubectl delete pod curlpod."

kubectl get pod myapp --namespace default >/dev/null 2>&1 ||
  fail "myapp まで削除してしまったようです。kubectl apply --filename myapp.yaml で作り直してください。" \
       "It looks like myapp was deleted too. Create it again with kubectl apply --filename myapp.yaml."

say "curlpod を削除しました。myapp は動き続けています。" "curlpod is gone, and myapp keeps running."
