# Step 2: the learner forwarded a local port to myapp's 8080 and curled it.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?port-forward ' ||
  fail "kubectl port-forward myapp 5555:8080 & で、手元のポート 5555 を myapp の 8080 につなぎましょう。" \
       "Connect local port 5555 to myapp's 8080: kubectl port-forward myapp 5555:8080 &."

ran_in_order '(kubectl|k) (.* )?port-forward .*:8080' 'curl .*localhost:[0-9]+' ||
  fail "port-forward を動かしたまま、curl localhost:5555 でアクセスしてみましょう。" \
       "With the port-forward running, try curl localhost:5555."

say "port-forward で、クラスタの外 (手元) から myapp に届きました。" \
    "With port-forward, myapp answered from outside the cluster (your machine)."
