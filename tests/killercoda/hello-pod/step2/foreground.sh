echo "Label the pod web."
