# Step 3: the Secret db-secret holds the password s3cr3t (base64 in the manifest), the
# pod db-client gets it as DB_PASSWORD, and the learner looked at the container's environment.
. /var/kubeniwa/lib.sh

encoded=$(kubectl get secret db-secret --namespace default --output jsonpath='{.data.password}' 2>/dev/null) ||
  fail "Secret db-secret がありません。secret.yaml を apply してください。" \
       "There is no Secret named db-secret. Apply secret.yaml."

password=$(printf '%s' "$encoded" | base64 --decode 2>/dev/null)
[ "$password" = s3cr3t ] ||
  fail "db-secret の password を Base64 から戻すと「$password」です。echo -n s3cr3t | base64 の結果を書いてください。" \
       "db-secret's password decodes to \"$password\". Write what echo -n s3cr3t | base64 prints."

ref=$(kubectl get pod db-client --namespace default --output jsonpath='{.spec.containers[0].env[?(@.name=="DB_PASSWORD")].valueFrom.secretKeyRef.name}' 2>/dev/null) ||
  fail "Pod db-client がありません。secret.yaml を apply してください。" \
       "There is no pod named db-client. Apply secret.yaml."

[ "$ref" = db-secret ] ||
  fail "db-client の DB_PASSWORD が Secret db-secret を参照していません。" \
       "db-client's DB_PASSWORD does not come from the Secret db-secret."

phase=$(kubectl get pod db-client --namespace default --output jsonpath='{.status.phase}' 2>/dev/null)
[ "$phase" = Running ] ||
  fail "db-client はまだ $phase です。数秒待ってから、もう一度チェックしてください。" \
       "db-client is still $phase. Wait a few seconds and check again."

ran '(kubectl|k) (.* )?exec .*db-client' ||
  fail "kubectl exec db-client -- env で、コンテナがパスワードを受け取ったか確かめましょう。" \
       "Check with kubectl exec db-client -- env that the container got the password."

say "Secret の値は、コンテナの中では Base64 から戻された平文の環境変数になります。" \
    "Inside the container, the Secret's value is a plain environment variable, decoded from Base64."
