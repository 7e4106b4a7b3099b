# The lesson starts from a running kind cluster (lesson 01 leaves one).
. /var/kubeniwa/lib.sh
ensure_cluster
