# Step 4: nginx-deployment was updated in place to nginx:1.25.3: all three replicas run
# the new image, and the old ReplicaSet (nginx:1.24.0) is still there, scaled to 0.
. /var/kubeniwa/lib.sh

image=$(kubectl get deployment nginx-deployment --namespace default --output jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null) ||
  fail "Deployment nginx-deployment がありません。前のステップからやり直してください。" \
       "There is no Deployment named nginx-deployment. Go back to the previous step."

[ "$image" = nginx:1.25.3 ] ||
  fail "nginx-deployment のイメージはまだ $image です。deployment.yaml を nginx:1.25.3 に書き換えて apply してください。" \
       "nginx-deployment still uses $image. Change deployment.yaml to nginx:1.25.3 and apply it."

updated=$(kubectl get deployment nginx-deployment --namespace default --output jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}' 2>/dev/null)
[ "$updated" = 3/3/3 ] ||
  fail "更新はまだ終わっていません (新しい Pod/使える Pod/全 Pod = $updated)。kubectl rollout status deployment nginx-deployment で待ってから、もう一度チェックしてください。" \
       "The update has not finished (updated/available/total pods = $updated). Wait with kubectl rollout status deployment nginx-deployment, then check again."

# Pods on their way out (Terminating, with a deletionTimestamp) are no longer replicas.
old=$(kubectl get pods --selector app=nginx --namespace default --output jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.spec.containers[0].image}{"\n"}{end}' 2>/dev/null | grep '^|' | grep -vc '^|nginx:1\.25\.3$')
[ "$old" = 0 ] ||
  fail "nginx:1.25.3 以外のイメージの Pod がまだ $old 個あります。少し待ってから、もう一度チェックしてください。" \
       "$old pods still run an image other than nginx:1.25.3. Wait a little and check again."

replicasets=$(kubectl get replicaset --selector app=nginx --namespace default --output jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image} {.spec.replicas}{"\n"}{end}' 2>/dev/null)
echo "$replicasets" | grep -q '^nginx:1\.24\.0 ' ||
  fail "nginx:1.24.0 の古い ReplicaSet が見つかりません。Deployment を削除して作り直すのではなく、apply で更新してください。" \
       "The old nginx:1.24.0 ReplicaSet is missing. Update the Deployment with apply instead of deleting and recreating it."

# Throughout the update (every change to the Deployment since this step opened), at
# least two pods were available: the point of a rolling update is that the app stays up.
least=$(changes deployments nginx-deployment | jq -s 'map(.status.availableReplicas // 0) | min // 3')
[ "$least" -ge 2 ] ||
  fail "更新の途中で、使える Pod (AVAILABLE) が $least 個まで減りました。RollingUpdate のまま image だけを書き換えて apply すると、Pod を少しずつ入れ替えるので 2 個以上が使えるままになります。" \
       "During the update the available pods fell to $least. Keep the RollingUpdate strategy and change only the image: pods are then replaced a few at a time and at least 2 stay available."

echo "$replicasets" | grep '^nginx:1\.24\.0 ' | grep -qv ' 0$' &&
  fail "古い ReplicaSet (nginx:1.24.0) がまだ 0 まで縮んでいません。" \
       "The old ReplicaSet (nginx:1.24.0) has not been scaled down to 0 yet."

say "ローリングアップデートが完了しました。3つの Pod すべてが nginx:1.25.3 で動き、古い ReplicaSet は 0 に縮んでいます。" \
    "The rolling update is done: all three pods run nginx:1.25.3 and the old ReplicaSet is scaled down to 0."
