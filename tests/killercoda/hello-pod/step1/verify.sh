#!/bin/bash
kubectl get pod web -o jsonpath='{.status.phase}' | grep -q Running
