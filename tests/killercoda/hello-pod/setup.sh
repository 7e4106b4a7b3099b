#!/bin/bash
# Killercoda's backends come with a cluster; here kind makes one.
kind get clusters | grep -qx kind || kind create cluster
kubectl delete pod web --ignore-not-found
