# Step 1: the pod myapp from myapp.yaml runs in the default namespace.
. /var/kubeniwa/lib.sh

[ -f ~/myapp.yaml ] ||
  fail "ホームディレクトリに myapp.yaml がありません。エディタで開いて保存してください。" \
       "There is no myapp.yaml in your home directory. Open it in the editor and save it."

image=$(kubectl get pod myapp --namespace default --output jsonpath='{.spec.containers[0].image}' 2>/dev/null) ||
  fail "Pod myapp がまだありません。kubectl apply --filename myapp.yaml を実行してください。" \
       "There is no pod named myapp yet. Run kubectl apply --filename myapp.yaml."

applied=$(kubectl get pod myapp --namespace default --output jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}' 2>/dev/null)
[ -n "$applied" ] ||
  fail "myapp は kubectl apply 以外の方法で作られたようです。kubectl delete pod myapp で削除して、マニフェストから apply し直してください。" \
       "myapp was not created with kubectl apply. Delete it with kubectl delete pod myapp and apply the manifest."

[ "$image" = blux2/hello-server:1.0 ] ||
  fail "myapp のイメージが $image です。blux2/hello-server:1.0 にしてください。" \
       "myapp runs the image $image; it should be blux2/hello-server:1.0."

label=$(kubectl get pod myapp --namespace default --output jsonpath='{.metadata.labels.app}' 2>/dev/null)
[ "$label" = myapp ] ||
  fail "myapp にラベル app: myapp がありません。" \
       "myapp does not have the label app: myapp."

ready=$(kubectl get pod myapp --namespace default --output jsonpath='{.status.containerStatuses[0].ready}' 2>/dev/null)
[ "$ready" = true ] ||
  fail "myapp はまだ Running になっていません。数秒待ってから kubectl get pod で確かめ、もう一度チェックしてください。" \
       "myapp is not Running yet. Wait a few seconds, look with kubectl get pod, and check again."

say "Pod myapp が Running になりました。" "The pod myapp is Running."
