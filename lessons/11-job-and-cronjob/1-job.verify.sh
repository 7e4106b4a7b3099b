# Step 1: the Job date-checker ran to completion, and the learner described it.
. /var/kubeniwa/lib.sh

succeeded=$(kubectl get job date-checker --namespace default --output jsonpath='{.status.succeeded}' 2>/dev/null) ||
  fail "Job date-checker がありません。job.yaml を apply してください。" \
       "There is no Job named date-checker. Apply job.yaml."

[ "${succeeded:-0}" -ge 1 ] ||
  fail "date-checker はまだ完了していません (kubectl get job date-checker の STATUS)。数秒待ってから、もう一度チェックしてください。" \
       "date-checker has not completed yet (see STATUS in kubectl get job date-checker). Wait a few seconds and check again."

ran '(kubectl|k) (.* )?describe +(jobs?|jobs?\.batch)( |/|$)' ||
  fail "Job は完了しました。kubectl describe job date-checker で、Pods Statuses と所要時間を見てみましょう。" \
       "The Job has completed. Look at its Pods Statuses and Duration with kubectl describe job date-checker."

say "Job の Pod は1回動いて終わり (Completed)、Job は完了しました。Pod は消されずに残ります。" \
    "The Job's pod ran once and ended (Completed), and the Job is complete. The pod stays behind."
