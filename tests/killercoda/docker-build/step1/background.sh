#!/bin/bash
systemctl restart containerd
echo FROM nginx > Dockerfile
