# Step 1: the learner used -o wide and -o yaml (or json), and saved the pod's IP with
# jsonpath to ~/ip.txt.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?get .*(-o *|--output[= ])wide' ||
  fail "kubectl get pod myapp --output wide で、IP アドレスとノードも表示してみましょう。" \
       "Show the IP address and the node too, with kubectl get pod myapp --output wide."

ran '(kubectl|k) (.* )?get .*(-o *|--output[= ])(yaml|json)' ||
  fail "kubectl get pod myapp --output yaml で、Pod のすべての項目を見てみましょう。" \
       "See every field of the pod with kubectl get pod myapp --output yaml."

[ -f ~/ip.txt ] ||
  fail "ホームディレクトリに ip.txt がありません。--output jsonpath='{.status.podIP}' の出力を ip.txt に保存してください。" \
       "There is no ip.txt in your home directory. Save the output of --output jsonpath='{.status.podIP}' to ip.txt."

ip=$(kubectl get pod myapp --namespace default --output jsonpath='{.status.podIP}' 2>/dev/null)
saved=$(tr -d ' \n' < ~/ip.txt)
[ "$saved" = "$ip" ] ||
  fail "ip.txt の中身は「$saved」ですが、myapp の IP アドレスは $ip です。" \
       "ip.txt holds \"$saved\", but myapp's IP address is $ip."

say "-o wide は列を増やし、-o yaml はすべてを、-o jsonpath は欲しい値だけを表示します。" \
    "-o wide adds columns, -o yaml shows everything, -o jsonpath just the value you ask for."
