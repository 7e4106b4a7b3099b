# Step 1: the learner started a debug container next to myapp's hello-server, with
# kubectl debug, targeting that container.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?debug ' ||
  fail "kubectl debug --stdin --tty myapp --image=curlimages/curl:8.4.0 --target=hello-server -- sh で、デバッグ用コンテナを起動しましょう。" \
       "Start a debug container: kubectl debug --stdin --tty myapp --image=curlimages/curl:8.4.0 --target=hello-server -- sh."

target=$(kubectl get pod myapp --namespace default --output jsonpath='{.spec.ephemeralContainers[*].targetContainerName}' 2>/dev/null)
case " $target " in
  *" hello-server "*) ;;
  *) fail "myapp にデバッグ用コンテナがありません。--target=hello-server (コンテナ名) を付けて kubectl debug をもう一度実行してください。" \
          "myapp has no debug container. Run kubectl debug again with --target=hello-server (the container's name)." ;;
esac

# What is typed inside the debug container's shell is not in the learner's history
# (as with a real shell), so the curl itself is not checked.

say "デバッグ用コンテナは Pod のネットワークを共有するので、localhost:8080 で hello-server に届きました。" \
    "The debug container shares the pod's network, so localhost:8080 reached hello-server."
