# Step 2: myapp runs blux2/hello-server:1.0 and is ready, myapp.yaml says 1.0, and the
# learner used kubectl describe on the way.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?describe( |$)' ||
  fail "直す前に、kubectl describe pod myapp で原因を確かめましょう。" \
       "Before fixing it, find the cause with kubectl describe pod myapp."

image=$(kubectl get pod myapp --namespace default --output jsonpath='{.spec.containers[0].image}' 2>/dev/null) ||
  fail "Pod myapp がありません。kubectl apply --filename myapp.yaml で作ってください。" \
       "There is no pod named myapp. Create it with kubectl apply --filename myapp.yaml."

[ "$image" = blux2/hello-server:1.0 ] ||
  fail "myapp のイメージはまだ $image です。myapp.yaml を直して Pod を作り直してください。" \
       "myapp still runs $image. Fix myapp.yaml and create the pod again."

grep -q 'image: *blux2/hello-server:1\.0' ~/myapp.yaml ||
  fail "Pod は直りましたが、myapp.yaml のイメージがまだ 1.0 になっていません。次に apply するとまた壊れてしまいます。" \
       "The pod is fixed, but myapp.yaml does not say 1.0 yet: the next apply would break it again."

ready=$(kubectl get pod myapp --namespace default --output jsonpath='{.status.containerStatuses[0].ready}' 2>/dev/null)
if [ "$ready" != true ]; then
  reason=$(kubectl get pod myapp --namespace default --output jsonpath='{.status.containerStatuses[0].state.waiting.reason}' 2>/dev/null)
  case "$reason" in
    ErrImagePull|ImagePullBackOff)
      fail "イメージは 1.0 になりましたが、コンテナはまだ $reason です。kubelet が取得し直すまで数秒待ってから、もう一度チェックしてください。" \
           "The image is 1.0 now, but the container is still in $reason. Give the kubelet a few seconds to pull it again, then check again." ;;
    *)
      fail "myapp はまだ Running になっていません。数秒待ってからもう一度チェックしてください。" \
           "myapp is not Running yet. Wait a few seconds and check again." ;;
  esac
fi

say "myapp がイメージ 1.0 で Running になりました。get で症状を、describe で原因を見つけて、マニフェストを直す。これがトラブルシューティングの基本の流れです。" \
    "myapp is Running with the image 1.0. Symptoms with get, the cause with describe, then fix the manifest: that is the basic troubleshooting loop."
