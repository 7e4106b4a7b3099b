# Step 2: the CronJob date-cron runs every minute and has made at least two Jobs.
. /var/kubeniwa/lib.sh

schedule=$(kubectl get cronjob date-cron --namespace default --output jsonpath='{.spec.schedule}' 2>/dev/null) ||
  fail "CronJob date-cron がありません。cronjob.yaml を apply してください。" \
       "There is no CronJob named date-cron. Apply cronjob.yaml."

[ "$schedule" = '*/1 * * * *' ] ||
  fail "date-cron のスケジュールが「$schedule」です。毎分 (*/1 * * * *) にしてください。" \
       "date-cron's schedule is \"$schedule\". Make it every minute (*/1 * * * *)."

jobs=$(kubectl get jobs --namespace default --output jsonpath='{range .items[*]}{.metadata.ownerReferences[0].name}{"\n"}{end}' 2>/dev/null | grep -c '^date-cron$')
[ "$jobs" -ge 2 ] ||
  fail "date-cron が作った Job はまだ $jobs 個です。2分ほど待って (sleep 120)、kubectl get jobs で確かめてから、もう一度チェックしてください。" \
       "date-cron has made $jobs Jobs so far. Wait two minutes or so (sleep 120), look at kubectl get jobs, and check again."

say "CronJob が毎分 Job を作っています。Job の名前の数字は、予定された時刻 (分単位) です。" \
    "The CronJob makes a Job every minute. The number in each Job's name is its scheduled time, in minutes."
