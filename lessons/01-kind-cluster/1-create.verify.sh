# Step 1: a kind cluster named "kind" exists.
. /var/kubeniwa/lib.sh

kind get clusters 2>/dev/null | grep -qx kind ||
  fail "クラスタ kind がまだありません。kind create cluster を実行してください。" \
       "There is no cluster named kind yet. Run kind create cluster."

say "クラスタ kind ができました。" "The cluster kind is up."
