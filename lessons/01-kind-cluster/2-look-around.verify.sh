# Step 2: the learner ran cluster-info with --context kind-kind, listed the nodes and
# listed the pods of kube-system.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?(cluster-info .*--context[ =]kind-kind|--context[ =]kind-kind .*cluster-info)( |$)' ||
  fail "kubectl cluster-info --context kind-kind をまだ実行していません。" \
       "You have not run kubectl cluster-info --context kind-kind yet."

ran '(kubectl|k) (.* )?get +(nodes|node|no)( |$)' ||
  fail "kubectl get nodes でノードを一覧してみましょう。" \
       "List the nodes with kubectl get nodes."

ran '(kubectl|k) .*get +(pods|pod|po)( |$).*(-n|--namespace)[ =]?kube-system|(kubectl|k) .*(-n|--namespace)[ =]?kube-system .*get +(pods|pod|po)( |$)|(kubectl|k) .*get +(pods|pod|po)( |$).*(-A|--all-namespaces)' ||
  fail "kube-system の Pod を kubectl get pods --namespace kube-system で見てみましょう。" \
       "Look at the pods of kube-system with kubectl get pods --namespace kube-system."

say "コントロールプレーンの場所、ノード、システムの Pod を確認できました。" \
    "You found the control plane, the node and the system pods."
