# Step 2: curlpod runs, the learner used kubectl exec, and ~/hello.txt holds myapp's
# answer.
. /var/kubeniwa/lib.sh

ready=$(kubectl get pod curlpod --namespace default --output jsonpath='{.status.containerStatuses[0].ready}' 2>/dev/null) ||
  fail "Pod curlpod がまだありません。kubectl run curlpod ... で作ってください。" \
       "There is no pod named curlpod yet. Create it with kubectl run curlpod ...."

[ "$ready" = true ] ||
  fail "curlpod はまだ Running になっていません。数秒待ってから、もう一度チェックしてください。" \
       "curlpod is not Running yet. Wait a few seconds and check again."

ran '(kubectl|k) (.* )?exec ' ||
  fail "kubectl exec curlpod -- curl ... で、curlpod の中から myapp にアクセスしてみましょう。" \
       "Reach myapp from inside curlpod with kubectl exec curlpod -- curl ...."

[ -f ~/hello.txt ] ||
  fail "ホームディレクトリに hello.txt がありません。" \
       "There is no hello.txt in your home directory."

grep -q 'Hello, world!' ~/hello.txt ||
  fail "hello.txt に myapp の応答 (Hello, world!) が入っていません。IP アドレスとポート 8080 を確かめましょう。" \
       "hello.txt does not hold myapp's answer (Hello, world!). Check the IP address and the port, 8080."

say "クラスタの内側から、IP アドレスで myapp に届きました。" \
    "From inside the cluster, myapp answers on its IP address."
