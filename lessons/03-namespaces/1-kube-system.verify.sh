# Step 1: the learner listed the namespaces and the pods of kube-system.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?get +(namespaces?|ns)( |$)' ||
  fail "kubectl get namespaces で、クラスタにある Namespace を一覧してみましょう。" \
       "List the cluster's namespaces with kubectl get namespaces."

ran '(kubectl|k) (.* )?get +(pods?|po)( .*)? (--namespace[= ]kube-system|-n *kube-system|-A|--all-namespaces)( |$)' ||
  ran '(kubectl|k) (--namespace[= ]kube-system|-n *kube-system|-A|--all-namespaces) +get +(pods?|po)( |$)' ||
  fail "kubectl get pods --namespace kube-system で、kube-system の Pod を見てみましょう。" \
       "Look at the pods of kube-system with kubectl get pods --namespace kube-system."

say "kube-system では、API サーバ、etcd、スケジューラ、CoreDNS など、クラスタそのものが Pod として動いています。" \
    "In kube-system the cluster itself runs as pods: the API server, etcd, the scheduler, CoreDNS and more."
