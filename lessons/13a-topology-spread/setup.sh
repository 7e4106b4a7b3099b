# The lesson makes its own cluster, zones, with two workers in two zones; it starts
# without it.
. /var/kubeniwa/lib.sh
kind delete cluster --name zones >/dev/null 2>&1
true
