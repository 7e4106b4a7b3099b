# Step 2: ~/ip.txt holds the pod IP of myapp.
. /var/kubeniwa/lib.sh

want=$(kubectl get pod myapp --namespace default --output jsonpath='{.status.podIP}' 2>/dev/null)
[ -n "$want" ] ||
  fail "Pod myapp が見つからないか、まだ IP アドレスがありません。前のステップをもう一度確かめてください。" \
       "The pod myapp is missing or has no IP address yet. Go back to the previous step."

[ -f ~/ip.txt ] ||
  fail "ホームディレクトリに ip.txt がありません。" \
       "There is no ip.txt in your home directory."

got=$(tr -d ' \n' < ~/ip.txt)
[ "$got" = "$want" ] ||
  fail "ip.txt の中身 (${got:-空}) は myapp の IP アドレスではありません。kubectl get pod myapp --output wide で確かめましょう。" \
       "ip.txt holds ${got:-nothing}, which is not the IP address of myapp. Look it up with kubectl get pod myapp --output wide."

say "ip.txt に myapp の IP アドレス $want を保存できました。" \
    "ip.txt holds the IP address of myapp, $want."
