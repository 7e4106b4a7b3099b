#!/bin/bash
[ "$(kubectl get pod web -o jsonpath='{.metadata.labels.tier}')" = frontend ]
