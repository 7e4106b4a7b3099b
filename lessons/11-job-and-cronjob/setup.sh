# The lesson starts from a running kind cluster without this lesson's objects, so it
# can be started again from the beginning.
. /var/kubeniwa/lib.sh
ensure_cluster
kubectl delete cronjob date-cron --namespace default --ignore-not-found >/dev/null 2>&1
kubectl delete job date-checker --namespace default --ignore-not-found >/dev/null 2>&1
true
