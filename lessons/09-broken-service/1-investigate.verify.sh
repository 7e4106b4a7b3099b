# Step 1: the learner looked at the pods (or the Deployment) before the Service, and
# described the Service, where Selector and Endpoints show the problem.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?(get|describe) +(pods?|po|deployments?|deploy|deployments?\.apps)( |/|$)' ||
  fail "下から順に調べます。まず kubectl get pods で Pod が動いているか確かめましょう。" \
       "Work from the bottom up: first check that the pods run, with kubectl get pods."

ran '(kubectl|k) (.* )?describe +(services?|svc)( |/|$)' ||
  fail "Pod は動いています。次は上の層、Service です。kubectl describe service hello-server-external を見てみましょう。" \
       "The pods run. Next comes the layer above, the Service: look at kubectl describe service hello-server-external."

ran_in_order '(kubectl|k) (.* )?(get|describe) +(pods?|po|deployments?|deploy|deployments?\.apps)( |/|$)' '(kubectl|k) (.* )?describe +(services?|svc)( |/|$)' ||
  fail "Service を先に見ました。切り分けは下から: Pod を確かめてから、もう一度 Service を describe してください。" \
       "You looked at the Service first. Isolate from the bottom: check the pods, then describe the Service again."

say "Selector が app=hello-serve (r がない) で、Endpoints が空です。Service はどの Pod も選んでいません。" \
    "The Selector reads app=hello-serve (no r), and Endpoints is empty: the Service selects no pod at all."
