# Step 3: the learner ran describe and logs on myapp, and port.txt holds the port the
# app's log names.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?describe +(pods?|po)([ /]|$)|(kubectl|k) (.* )?describe +(pods?|po)/myapp' ||
  fail "kubectl describe pod myapp をまだ実行していません。" \
       "You have not run kubectl describe pod myapp yet."

ran '(kubectl|k) (.* )?logs( |$)' ||
  fail "kubectl logs myapp でログを見てみましょう。" \
       "Read the log with kubectl logs myapp."

[ -f ~/port.txt ] ||
  fail "ホームディレクトリに port.txt がありません。" \
       "There is no port.txt in your home directory."

got=$(tr -d ' \n' < ~/port.txt)
[ "$got" = 8080 ] ||
  fail "port.txt の中身 (${got:-空}) はログにあるポート番号ではありません。" \
       "port.txt holds ${got:-nothing}, which is not the port in the log."

say "describe でイベントを、logs でアプリのログを確かめられました。アプリはポート 8080 で待ち受けています。" \
    "You read the events with describe and the app's log with logs: the app listens on port 8080."
