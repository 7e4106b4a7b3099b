# Step 3: the learner ran a kubectl command with --v=7 (or -v=7, -v 7, or more).
. /var/kubeniwa/lib.sh

ran '(kubectl|k) .*(--v|-v)[= ]?([7-9]|10)( |$)' ||
  fail "kubectl get pod myapp --v=7 で、kubectl が API サーバに送るリクエストを見てみましょう。" \
       "See the requests kubectl sends to the API server with kubectl get pod myapp --v=7."

say "kubectl は HTTP で API サーバと話しています。GET .../api/v1/namespaces/default/pods/myapp と 200 OK が見えましたね。" \
    "kubectl talks HTTP to the API server: you saw GET .../api/v1/namespaces/default/pods/myapp and 200 OK."
