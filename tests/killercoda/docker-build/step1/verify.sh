#!/bin/bash
docker image ls | grep -q app
