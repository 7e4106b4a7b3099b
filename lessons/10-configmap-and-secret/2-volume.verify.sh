# Step 2: hello-server 1.5 mounts the ConfigMap hello-server-file at /etc/config and
# serves myconfig.txt; the learner reached it.
. /var/kubeniwa/lib.sh

text=$(kubectl get configmap hello-server-file --namespace default --output jsonpath='{.data.myconfig\.txt}' 2>/dev/null) ||
  fail "ConfigMap hello-server-file がありません。hello-server-volume.yaml を apply してください。" \
       "There is no ConfigMap named hello-server-file. Apply hello-server-volume.yaml."

image=$(kubectl get deployment hello-config --namespace default --output jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)
[ "$image" = blux2/hello-server:1.5 ] ||
  fail "hello-config のイメージが $image です。設定ファイルを読むのは blux2/hello-server:1.5 です。" \
       "hello-config runs $image. The one that reads a config file is blux2/hello-server:1.5."

mount=$(kubectl get deployment hello-config --namespace default --output jsonpath='{.spec.template.spec.containers[0].volumeMounts[0].mountPath}' 2>/dev/null)
[ "$mount" = /etc/config ] ||
  fail "ボリュームが /etc/config にマウントされていません (mountPath: ${mount:-なし})。" \
       "The volume is not mounted at /etc/config (mountPath: ${mount:-none})."

state=$(kubectl get deployment hello-config --namespace default --output jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}' 2>/dev/null)
[ "$state" = 1/1/1 ] ||
  fail "新しい Pod への入れ替えがまだ終わっていません (新しい/使える/全部 = $state)。kubectl rollout status deployment hello-config で待ってください。" \
       "The new pod has not replaced the old one yet (updated/available/total = $state). Wait with kubectl rollout status deployment hello-config."

ran '(kubectl|k) (.* )?run .*curl.*:8080' ||
  fail "新しい Pod の IP アドレスの 8080 番ポートに curl して、「$text」が返ってくるか確かめましょう。" \
       "curl port 8080 of the new pod's IP address and see whether it answers \"$text\"."

say "アプリはボリュームのファイル /etc/config/myconfig.txt の中身を返しています。" \
    "The app answers with the file from the volume, /etc/config/myconfig.txt."
