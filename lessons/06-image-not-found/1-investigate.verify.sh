# Step 1: the learner looked at the pod with get and describe.
. /var/kubeniwa/lib.sh

ran '(kubectl|k) (.* )?get +(pods?|po)( |/|$)' ||
  fail "まず kubectl get pod myapp で STATUS を見てみましょう。" \
       "Start by looking at the STATUS with kubectl get pod myapp."

ran '(kubectl|k) (.* )?describe +(pods?|po)( |/|$)' ||
  fail "kubectl describe pod myapp で Events を読んでみましょう。" \
       "Read the Events with kubectl describe pod myapp."

say "Events にあるとおり、タグ 1.1 のイメージ (docker.io/blux2/hello-server:1.1) は存在しません (not found)。" \
    "As the Events say, there is no image with the tag 1.1 (docker.io/blux2/hello-server:1.1: not found)."
