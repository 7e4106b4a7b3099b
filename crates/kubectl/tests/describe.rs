//! `kubectl describe` through the whole sandbox: a kind cluster, manifests applied as the
//! notes apply them, simulated time passing, and the describe output pinned whole.
//! Each expectation was reviewed line by line against kubectl v1.35.2's
//! `pkg/describe/describe.go`; `UPDATE_EXPECT=1` rewrites them.

use expect_test::{expect, Expect};
use kubeniwa_sandbox::Sandbox;

/// A sandbox with a kind cluster (ready 21 seconds after 09:00:00).
fn cluster() -> Sandbox {
    let mut sb = Sandbox::new(1);
    sb.run_line("kind create cluster");
    sb
}

/// Writes a manifest and applies it.
fn apply(sb: &mut Sandbox, file: &str, yaml: &str) {
    sb.write_file(file, yaml).expect("writable");
    let out = sb.run_line(&format!("kubectl apply -f {file}"));
    assert_eq!(out.status, 0, "{}", out.text);
}

/// Runs a command and compares what the terminal shows, plus the exit status when it
/// is not 0.
fn check(sb: &mut Sandbox, line: &str, expect: Expect) {
    let out = sb.run_line(line);
    let mut text = out.text;
    if out.status != 0 {
        text.push_str(&format!("[exit {}]\n", out.status));
    }
    expect.assert_eq(&text);
}

const MYAPP_1_0: &str = "apiVersion: v1
kind: Pod
metadata:
  name: myapp
  labels:
    app: myapp
spec:
  containers:
  - name: hello-server
    image: blux2/hello-server:1.0
    ports:
    - containerPort: 8080
";

#[test]
fn running_pod() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", MYAPP_1_0);
    sb.advance(60_000);
    check(&mut sb, "kubectl describe pod myapp", expect![[r#"
        Name:             myapp
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           app=myapp
        Annotations:      <none>
        Status:           Running
        IP:               10.244.0.5
        IPs:
          IP:  10.244.0.5
        Containers:
          hello-server:
            Container ID:   containerd://8d67e1b58b0a3b38f023b2b09d912ad69fd4dbc184307bb9c618fc0b833485db
            Image:          blux2/hello-server:1.0
            Image ID:       docker.io/blux2/hello-server@sha256:e8f01ea70e01d3107c14774159ef1a525a954a7b6c8d8264ae6e1475b9061006
            Port:           8080/TCP
            Host Port:      0/TCP
            State:          Running
              Started:      Mon, 30 Nov 2026 09:00:23 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-drl2n (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          kube-api-access-drl2n:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:
          Type    Reason     Age   From               Message
          ----    ------     ----  ----               -------
          Normal  Scheduled  60s   default-scheduler  Successfully assigned default/myapp to kind-control-plane
          Normal  Pulling    59s   kubelet            spec.containers{hello-server}: Pulling image "blux2/hello-server:1.0"
          Normal  Pulled     59s   kubelet            spec.containers{hello-server}: Successfully pulled image "blux2/hello-server:1.0" in 994ms (994ms including waiting). Image size: 4058339 bytes.
          Normal  Created    58s   kubelet            spec.containers{hello-server}: Created container: hello-server
          Normal  Started    58s   kubelet            spec.containers{hello-server}: Started container hello-server
    "#]]);
}

#[test]
fn pod_with_a_missing_image_after_some_minutes() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", &MYAPP_1_0.replace("1.0", "1.1"));
    sb.advance(5 * 60_000);
    check(&mut sb, "kubectl describe pod myapp -n default", expect![[r#"
        Name:             myapp
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           app=myapp
        Annotations:      <none>
        Status:           Pending
        IP:               10.244.0.5
        IPs:
          IP:  10.244.0.5
        Containers:
          hello-server:
            Container ID:   
            Image:          blux2/hello-server:1.1
            Image ID:       
            Port:           8080/TCP
            Host Port:      0/TCP
            State:          Waiting
              Reason:       ImagePullBackOff
            Ready:          False
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-drl2n (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       False 
          ContainersReady             False 
          PodScheduled                True 
        Volumes:
          kube-api-access-drl2n:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:
          Type     Reason     Age                    From               Message
          ----     ------     ----                   ----               -------
          Normal   Scheduled  5m                     default-scheduler  Successfully assigned default/myapp to kind-control-plane
          Normal   Pulling    2m25s (x5 over 4m59s)  kubelet            spec.containers{hello-server}: Pulling image "blux2/hello-server:1.1"
          Warning  Failed     2m23s (x5 over 4m58s)  kubelet            spec.containers{hello-server}: Failed to pull image "blux2/hello-server:1.1": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/blux2/hello-server:1.1": failed to resolve reference "docker.io/blux2/hello-server:1.1": docker.io/blux2/hello-server:1.1: not found
          Warning  Failed     2m23s (x5 over 4m58s)  kubelet            spec.containers{hello-server}: Error: ErrImagePull
          Normal   BackOff    24s (x12 over 4m53s)   kubelet            spec.containers{hello-server}: Back-off pulling image "blux2/hello-server:1.1"
          Warning  Failed     24s (x12 over 4m53s)   kubelet            spec.containers{hello-server}: Error: ImagePullBackOff
    "#]]);
}

#[test]
fn pod_with_env_probes_resources_and_volumes() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "cm.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: hello-server-configmap
data:
  PORT: \"8081\"
",
    );
    apply(
        &mut sb,
        "pod.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  name: busy
  annotations:
    note: a short one
spec:
  containers:
  - name: app
    image: blux2/hello-server:1.4
    ports:
    - containerPort: 8081
      name: http
    - containerPort: 9090
      name: metrics
    command: [\"/bin/server\"]
    args: [\"--port\", \"8081\"]
    env:
    - name: PORT
      valueFrom:
        configMapKeyRef:
          name: hello-server-configmap
          key: PORT
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: GREETING
      value: hello
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
      limits:
        cpu: \"0.5\"
        memory: 128Mi
    readinessProbe:
      httpGet:
        path: /health
        port: 8081
    livenessProbe:
      tcpSocket:
        port: 8081
      initialDelaySeconds: 10
    volumeMounts:
    - name: config
      mountPath: /etc/config
    - name: scratch
      mountPath: /tmp
  volumes:
  - name: config
    configMap:
      name: hello-server-configmap
  - name: scratch
    emptyDir: {}
",
    );
    sb.advance(30_000);
    check(&mut sb, "kubectl describe pod busy", expect![[r#"
        Name:             busy
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           <none>
        Annotations:      note: a short one
        Status:           Running
        IP:               10.244.0.5
        IPs:
          IP:  10.244.0.5
        Containers:
          app:
            Container ID:  containerd://72fa9dbbc5224f45fac891ec681174f31b87e3320ad9e4483d7469966e0ca867
            Image:         blux2/hello-server:1.4
            Image ID:      docker.io/blux2/hello-server@sha256:e4f0185b1201d95c80147d8d55ef14065e9550c7688d7c18aa6e0e29bd061652
            Ports:         8081/TCP (http), 9090/TCP (metrics)
            Host Ports:    0/TCP (http), 0/TCP (metrics)
            Command:
              /bin/server
            Args:
              --port
              8081
            State:          Waiting
              Reason:       CrashLoopBackOff
            Last State:     Terminated
              Reason:       StartError
              Message:      failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/bin/server": executable file not found in $PATH: unknown
              Exit Code:    128
              Started:      Thu, 01 Jan 1970 00:00:00 +0000
              Finished:     Mon, 30 Nov 2026 09:00:34 +0000
            Ready:          False
            Restart Count:  2
            Limits:
              cpu:     500m
              memory:  128Mi
            Requests:
              cpu:      100m
              memory:   64Mi
            Liveness:   tcp-socket :8081 delay=10s timeout=1s period=10s #success=1 #failure=3
            Readiness:  http-get http://:8081/health delay=0s timeout=1s period=10s #success=1 #failure=3
            Environment:
              PORT:      <set to the key 'PORT' of config map 'hello-server-configmap'>  Optional: false
              POD_NAME:  busy (v1:metadata.name)
              GREETING:  hello
            Mounts:
              /etc/config from config (rw)
              /tmp from scratch (rw)
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-tjp6c (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       False 
          ContainersReady             False 
          PodScheduled                True 
        Volumes:
          config:
            Type:      ConfigMap (a volume populated by a ConfigMap)
            Name:      hello-server-configmap
            Optional:  false
          scratch:
            Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
            Medium:     
            SizeLimit:  <unset>
          kube-api-access-tjp6c:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   Burstable
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:
          Type     Reason     Age                From               Message
          ----     ------     ----               ----               -------
          Normal   Scheduled  30s                default-scheduler  Successfully assigned default/busy to kind-control-plane
          Normal   Pulling    29s                kubelet            spec.containers{app}: Pulling image "blux2/hello-server:1.4"
          Normal   Pulled     28s                kubelet            spec.containers{app}: Successfully pulled image "blux2/hello-server:1.4" in 1.078s (1.078s including waiting). Image size: 4058339 bytes.
          Normal   Created    17s (x3 over 28s)  kubelet            spec.containers{app}: Created container: app
          Warning  Failed     17s (x3 over 28s)  kubelet            spec.containers{app}: Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/bin/server": executable file not found in $PATH: unknown
          Normal   Pulled     17s (x2 over 27s)  kubelet            spec.containers{app}: Container image "blux2/hello-server:1.4" already present on machine
          Warning  BackOff    17s (x2 over 27s)  kubelet            spec.containers{app}: Back-off restarting failed container app in pod busy_default(54f93777-d7be-4396-b21c-8cae16e9c1a2)
    "#]]);
}

#[test]
fn node() {
    let mut sb = cluster();
    sb.advance(60_000);
    check(&mut sb, "kubectl describe node kind-control-plane", expect![[r#"
        Name:               kind-control-plane
        Roles:              control-plane
        Labels:             beta.kubernetes.io/arch=amd64
                            beta.kubernetes.io/os=linux
                            kubernetes.io/arch=amd64
                            kubernetes.io/hostname=kind-control-plane
                            kubernetes.io/os=linux
                            node-role.kubernetes.io/control-plane=
                            node.kubernetes.io/exclude-from-external-load-balancers=
        Annotations:        node.alpha.kubernetes.io/ttl: 0
                            volumes.kubernetes.io/controller-managed-attach-detach: true
        CreationTimestamp:  Mon, 30 Nov 2026 09:00:03 +0000
        Taints:             <none>
        Unschedulable:      false
        Lease:
          HolderIdentity:  kind-control-plane
          AcquireTime:     <unset>
          RenewTime:       Mon, 30 Nov 2026 09:00:03 +0000
        Conditions:
          Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
          ----             ------  -----------------                 ------------------                ------                       -------
          MemoryPressure   False   Mon, 30 Nov 2026 09:00:03 +0000   Mon, 30 Nov 2026 09:00:03 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
          DiskPressure     False   Mon, 30 Nov 2026 09:00:03 +0000   Mon, 30 Nov 2026 09:00:03 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
          PIDPressure      False   Mon, 30 Nov 2026 09:00:03 +0000   Mon, 30 Nov 2026 09:00:03 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
          Ready            True    Mon, 30 Nov 2026 09:00:12 +0000   Mon, 30 Nov 2026 09:00:12 +0000   KubeletReady                 kubelet is posting ready status
        Addresses:
          InternalIP:  172.18.0.2
          Hostname:    kind-control-plane
        Capacity:
          cpu:                8
          ephemeral-storage:  263174212Ki
          hugepages-1Gi:      0
          hugepages-2Mi:      0
          memory:             16283452Ki
          pods:               110
        Allocatable:
          cpu:                8
          ephemeral-storage:  263174212Ki
          hugepages-1Gi:      0
          hugepages-2Mi:      0
          memory:             16283452Ki
          pods:               110
        System Info:
          Machine ID:                 0000000000000000000000006b696e64
          System UUID:                000000a1-0000-4000-8000-0000000000a1
          Boot ID:                    00000001-0000-4000-8000-000000000001
          Kernel Version:             6.8.0-88-generic
          OS Image:                   Debian GNU/Linux 12 (bookworm)
          Operating System:           linux
          Architecture:               amd64
          Container Runtime Version:  containerd://2.2.0
          Kubelet Version:            v1.35.0
          Kube-Proxy Version:         
        PodCIDR:                      10.244.0.0/24
        PodCIDRs:                     10.244.0.0/24
        ProviderID:                   kind://docker/kind/kind-control-plane
        Non-terminated Pods:          (9 in total)
          Namespace                   Name                                          CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
          ---------                   ----                                          ------------  ----------  ---------------  -------------  ---
          kube-system                 coredns-6467776445-6j224                      100m (1%)     0 (0%)      70Mi (0%)        170Mi (1%)     70s
          kube-system                 coredns-6467776445-rf2nq                      100m (1%)     0 (0%)      70Mi (0%)        170Mi (1%)     70s
          kube-system                 etcd-kind-control-plane                       100m (1%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kindnet-dtdgs                                 100m (1%)     100m (1%)   50Mi (0%)        50Mi (0%)      70s
          kube-system                 kube-apiserver-kind-control-plane             250m (3%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kube-controller-manager-kind-control-plane    200m (2%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kube-proxy-hlg6r                              0 (0%)        0 (0%)      0 (0%)           0 (0%)         70s
          kube-system                 kube-scheduler-kind-control-plane             100m (1%)     0 (0%)      0 (0%)           0 (0%)         72s
          local-path-storage          local-path-provisioner-845ff6984f-qcz5f       0 (0%)        0 (0%)      0 (0%)           0 (0%)         68s
        Allocated resources:
          (Total limits may be over 100 percent, i.e., overcommitted.)
          Resource           Requests    Limits
          --------           --------    ------
          cpu                950m (11%)  100m (1%)
          memory             190Mi (1%)  390Mi (2%)
          ephemeral-storage  0 (0%)      0 (0%)
          hugepages-1Gi      0 (0%)      0 (0%)
          hugepages-2Mi      0 (0%)      0 (0%)
        Events:
          Type    Reason                   Age   From             Message
          ----    ------                   ----  ----             -------
          Normal  Starting                 78s   kubelet          Starting kubelet.
          Normal  NodeHasSufficientMemory  78s   kubelet          Node kind-control-plane status is now: NodeHasSufficientMemory
          Normal  NodeHasNoDiskPressure    78s   kubelet          Node kind-control-plane status is now: NodeHasNoDiskPressure
          Normal  NodeHasSufficientPID     78s   kubelet          Node kind-control-plane status is now: NodeHasSufficientPID
          Normal  NodeAllocatableEnforced  78s   kubelet          Updated Node Allocatable limit across pods
          Normal  RegisteredNode           76s   node-controller  Node kind-control-plane event: Registered Node kind-control-plane in Controller
          Normal  Starting                 72s   kube-proxy       
          Normal  NodeReady                69s   kubelet          Node kind-control-plane status is now: NodeReady
    "#]]);
}

#[test]
fn coredns_deployment() {
    let mut sb = cluster();
    sb.advance(60_000);
    check(&mut sb, "kubectl describe deployment coredns -n kube-system", expect![[r#"
        Name:                   coredns
        Namespace:              kube-system
        CreationTimestamp:      Mon, 30 Nov 2026 09:00:11 +0000
        Labels:                 k8s-app=kube-dns
        Annotations:            deployment.kubernetes.io/revision: 1
        Selector:               k8s-app=kube-dns
        Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
        StrategyType:           RollingUpdate
        MinReadySeconds:        0
        RollingUpdateStrategy:  25% max unavailable, 25% max surge
        Pod Template:
          Labels:           k8s-app=kube-dns
          Service Account:  coredns
          Containers:
           coredns:
            Image:       registry.k8s.io/coredns/coredns:v1.13.1
            Ports:       53/UDP (dns), 53/TCP (dns-tcp), 9153/TCP (metrics), 8080/TCP (liveness-probe), 8181/TCP (readiness-probe)
            Host Ports:  0/UDP (dns), 0/TCP (dns-tcp), 0/TCP (metrics), 0/TCP (liveness-probe), 0/TCP (readiness-probe)
            Args:
              -conf
              /etc/coredns/Corefile
            Limits:
              memory:  170Mi
            Requests:
              cpu:        100m
              memory:     70Mi
            Liveness:     http-get http://:liveness-probe/health delay=60s timeout=5s period=10s #success=1 #failure=5
            Readiness:    http-get http://:readiness-probe/ready delay=0s timeout=1s period=10s #success=1 #failure=3
            Environment:  <none>
            Mounts:
              /etc/coredns from config-volume (ro)
          Volumes:
           config-volume:
            Type:               ConfigMap (a volume populated by a ConfigMap)
            Name:               coredns
            Optional:           false
          Priority Class Name:  system-cluster-critical
          Node-Selectors:       kubernetes.io/os=linux
          Tolerations:          CriticalAddonsOnly op=Exists
                                node-role.kubernetes.io/control-plane:NoSchedule
        Conditions:
          Type           Status  Reason
          ----           ------  ------
          Available      True    MinimumReplicasAvailable
          Progressing    True    NewReplicaSetAvailable
        OldReplicaSets:  <none>
        NewReplicaSet:   coredns-6467776445 (2/2 replicas created)
        Events:          <none>
    "#]]);
}

const NGINX_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
        - name: nginx
          image: nginx:1.24.0
          ports:
            - containerPort: 80
";

#[test]
fn deployment_after_a_rolling_update() {
    let mut sb = cluster();
    apply(&mut sb, "deployment.yaml", NGINX_DEPLOYMENT);
    sb.advance(60_000);
    apply(&mut sb, "deployment.yaml", &NGINX_DEPLOYMENT.replace("1.24.0", "1.25.3"));
    sb.advance(120_000);
    check(&mut sb, "kubectl describe deployment nginx-deployment", expect![[r#"
        Name:                   nginx-deployment
        Namespace:              default
        CreationTimestamp:      Mon, 30 Nov 2026 09:00:21 +0000
        Labels:                 app=nginx
        Annotations:            deployment.kubernetes.io/revision: 2
        Selector:               app=nginx
        Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
        StrategyType:           RollingUpdate
        MinReadySeconds:        0
        RollingUpdateStrategy:  25% max unavailable, 25% max surge
        Pod Template:
          Labels:  app=nginx
          Containers:
           nginx:
            Image:         nginx:1.25.3
            Port:          80/TCP
            Host Port:     0/TCP
            Environment:   <none>
            Mounts:        <none>
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Conditions:
          Type           Status  Reason
          ----           ------  ------
          Available      True    MinimumReplicasAvailable
          Progressing    True    NewReplicaSetAvailable
        OldReplicaSets:  nginx-deployment-7bdbf8ffc4 (0/0 replicas created)
        NewReplicaSet:   nginx-deployment-84fb945c44 (3/3 replicas created)
        Events:
          Type    Reason             Age   From                   Message
          ----    ------             ----  ----                   -------
          Normal  ScalingReplicaSet  3m    deployment-controller  Scaled up replica set nginx-deployment-7bdbf8ffc4 from 0 to 3
          Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set nginx-deployment-84fb945c44 from 0 to 1
          Normal  ScalingReplicaSet  115s  deployment-controller  Scaled down replica set nginx-deployment-7bdbf8ffc4 from 3 to 2
          Normal  ScalingReplicaSet  115s  deployment-controller  Scaled up replica set nginx-deployment-84fb945c44 from 1 to 2
          Normal  ScalingReplicaSet  114s  deployment-controller  Scaled down replica set nginx-deployment-7bdbf8ffc4 from 2 to 1
          Normal  ScalingReplicaSet  114s  deployment-controller  Scaled up replica set nginx-deployment-84fb945c44 from 2 to 3
          Normal  ScalingReplicaSet  113s  deployment-controller  Scaled down replica set nginx-deployment-7bdbf8ffc4 from 1 to 0
    "#]]);
}

#[test]
fn replica_set() {
    let mut sb = cluster();
    apply(&mut sb, "deployment.yaml", NGINX_DEPLOYMENT);
    sb.advance(60_000);
    check(&mut sb, "kubectl describe rs", expect![[r#"
        Name:           nginx-deployment-7bdbf8ffc4
        Namespace:      default
        Selector:       app=nginx,pod-template-hash=7bdbf8ffc4
        Labels:         app=nginx
                        pod-template-hash=7bdbf8ffc4
        Annotations:    deployment.kubernetes.io/desired-replicas: 3
                        deployment.kubernetes.io/max-replicas: 4
                        deployment.kubernetes.io/revision: 1
        Controlled By:  Deployment/nginx-deployment
        Replicas:       3 current / 3 desired
        Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed
        Pod Template:
          Labels:  app=nginx
                   pod-template-hash=7bdbf8ffc4
          Containers:
           nginx:
            Image:         nginx:1.24.0
            Port:          80/TCP
            Host Port:     0/TCP
            Environment:   <none>
            Mounts:        <none>
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Events:
          Type    Reason            Age   From                   Message
          ----    ------            ----  ----                   -------
          Normal  SuccessfulCreate  60s   replicaset-controller  Created pod: nginx-deployment-7bdbf8ffc4-2xx7s
          Normal  SuccessfulCreate  60s   replicaset-controller  Created pod: nginx-deployment-7bdbf8ffc4-jnrn6
          Normal  SuccessfulCreate  60s   replicaset-controller  Created pod: nginx-deployment-7bdbf8ffc4-r42jb
    "#]]);
}

#[test]
fn job_from_the_notes() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "job.yaml",
        "apiVersion: batch/v1
kind: Job
metadata:
  name: date-checker
spec:
  template:
    spec:
      containers:
      - name: date
        image: ubuntu:22.04
        command: [\"date\"]
      restartPolicy: Never
  backoffLimit: 4
",
    );
    sb.advance(60_000);
    check(&mut sb, "kubectl describe job date-checker -n default", expect![[r#"
        Name:             date-checker
        Namespace:        default
        Selector:         batch.kubernetes.io/controller-uid=8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
        Labels:           batch.kubernetes.io/controller-uid=8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
                          batch.kubernetes.io/job-name=date-checker
                          controller-uid=8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
                          job-name=date-checker
        Annotations:      <none>
        Parallelism:      1
        Completions:      1
        Completion Mode:  NonIndexed
        Suspend:          false
        Backoff Limit:    4
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Completed At:     Mon, 30 Nov 2026 09:00:24 +0000
        Duration:         3s
        Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
        Pod Template:
          Labels:  batch.kubernetes.io/controller-uid=8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
                   batch.kubernetes.io/job-name=date-checker
                   controller-uid=8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
                   job-name=date-checker
          Containers:
           date:
            Image:      ubuntu:22.04
            Port:       <none>
            Host Port:  <none>
            Command:
              date
            Environment:   <none>
            Mounts:        <none>
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Events:
          Type    Reason            Age   From            Message
          ----    ------            ----  ----            -------
          Normal  SuccessfulCreate  60s   job-controller  Created pod: date-checker-drl2n
          Normal  Completed         57s   job-controller  Job completed
    "#]]);
}

#[test]
fn service_with_a_typo_in_its_selector() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "service.yaml",
        "apiVersion: v1
kind: Service
metadata:
  name: hello-server-external
spec:
  type: NodePort
  selector:
    app: hello-serve
  ports:
  - port: 8080
    targetPort: 8080
",
    );
    check(&mut sb, "kubectl describe service hello-server-external -n default", expect![[r#"
        Name:                     hello-server-external
        Namespace:                default
        Labels:                   <none>
        Annotations:              <none>
        Selector:                 app=hello-serve
        Type:                     NodePort
        IP Family Policy:         SingleStack
        IP Families:              IPv4
        IP:                       10.96.40.104
        IPs:                      10.96.40.104
        Port:                     <unset>  8080/TCP
        TargetPort:               8080/TCP
        NodePort:                 <unset>  31374/TCP
        Endpoints:                
        Session Affinity:         None
        External Traffic Policy:  Cluster
        Internal Traffic Policy:  Cluster
        Events:                   <none>
    "#]]);
}

#[test]
fn kube_dns_service_endpoints() {
    let mut sb = cluster();
    sb.advance(60_000);
    check(&mut sb, "kubectl describe endpointslices -n kube-system", expect![[r#"
        Name:         kube-dns-wc495
        Namespace:    kube-system
        Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
                      kubernetes.io/service-name=kube-dns
        Annotations:  <none>
        AddressType:  IPv4
        Ports:
          Name     Port  Protocol
          ----     ----  --------
          dns      53    UDP
          dns-tcp  53    TCP
          metrics  9153  TCP
        Endpoints:
          - Addresses:  10.244.0.2
            Conditions:
              Ready:    true
            Hostname:   <unset>
            TargetRef:  Pod/coredns-6467776445-6j224
            NodeName:   kind-control-plane
            Zone:       <unset>
          - Addresses:  10.244.0.3
            Conditions:
              Ready:    true
            Hostname:   <unset>
            TargetRef:  Pod/coredns-6467776445-rf2nq
            NodeName:   kind-control-plane
            Zone:       <unset>
        Events:         <none>
    "#]]);
    check(&mut sb, "kubectl describe svc kube-dns -n kube-system", expect![[r#"
        Name:                     kube-dns
        Namespace:                kube-system
        Labels:                   k8s-app=kube-dns
                                  kubernetes.io/cluster-service=true
                                  kubernetes.io/name=CoreDNS
        Annotations:              prometheus.io/port: 9153
                                  prometheus.io/scrape: true
        Selector:                 k8s-app=kube-dns
        Type:                     ClusterIP
        IP Family Policy:         SingleStack
        IP Families:              IPv4
        IP:                       10.96.0.10
        IPs:                      10.96.0.10
        Port:                     dns  53/UDP
        TargetPort:               53/UDP
        Endpoints:                10.244.0.2:53,10.244.0.3:53
        Port:                     dns-tcp  53/TCP
        TargetPort:               53/TCP
        Endpoints:                10.244.0.2:53,10.244.0.3:53
        Port:                     metrics  9153/TCP
        TargetPort:               9153/TCP
        Endpoints:                10.244.0.2:9153,10.244.0.3:9153
        Session Affinity:         None
        Internal Traffic Policy:  Cluster
        Events:                   <none>
    "#]]);
}

#[test]
fn namespace_configmap_secret_serviceaccount() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "secret.yaml",
        "apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: s3cr3t-pass
data:
  user: YWRtaW4=
",
    );
    check(&mut sb, "kubectl describe ns default", expect![[r#"
        Name:         default
        Labels:       kubernetes.io/metadata.name=default
        Annotations:  <none>
        Status:       Active

        No resource quota.

        No LimitRange resource.
    "#]]);
    check(&mut sb, "kubectl describe configmap kube-root-ca.crt", expect![[r#"
        Name:         kube-root-ca.crt
        Namespace:    default
        Labels:       <none>
        Annotations:  kubernetes.io/description:
                        Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubern...

        Data
        ====
        ca.crt:
        ----
        -----BEGIN CERTIFICATE-----
        MIIDBTCCAe2gAwIBAgIIKubeniwaSimulatedCAwDQYJKoZIhvcNAQELBQAwFTET
        -----END CERTIFICATE-----



        BinaryData
        ====

        Events:  <none>
    "#]]);
    check(&mut sb, "kubectl describe secret db", expect![[r#"
        Name:         db
        Namespace:    default
        Labels:       <none>
        Annotations:  <none>

        Type:  Opaque

        Data
        ====
        password:  11 bytes
        user:      5 bytes
    "#]]);
    check(&mut sb, "kubectl describe sa default", expect![[r#"
        Name:                default
        Namespace:           default
        Labels:              <none>
        Annotations:         <none>
        Image pull secrets:  <none>
        Events:              <none>
    "#]]);
}

#[test]
fn kinds_without_a_describer_print_their_fields() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "lease.yaml",
        "apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: my-lock
spec:
  holderIdentity: me
  leaseDurationSeconds: 15
",
    );
    check(&mut sb, "kubectl describe lease my-lock", expect![[r#"
        Name:         my-lock
        Namespace:    default
        Labels:       <none>
        Annotations:  <none>
        API Version:  coordination.k8s.io/v1
        Kind:         Lease
        Metadata:
          Creation Timestamp:  2026-11-30T09:00:21Z
          Resource Version:    443
          UID:                 8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
        Spec:
          Holder Identity:         me
          Lease Duration Seconds:  15
        Events:                    <none>
    "#]]);
}

#[test]
fn several_objects_and_errors() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", MYAPP_1_0);
    sb.run_line("kubectl run myapp2 --image=blux2/hello-server:1.0");
    sb.advance(30_000);
    check(&mut sb, "kubectl describe", expect![[r#"
        error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe pod nothere", expect![[r#"
        Error from server (NotFound): pods "nothere" not found
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe pods nothere myapp2 gone --show-events=false", expect![[r#"
        Name:             myapp2
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           run=myapp2
        Annotations:      <none>
        Status:           Running
        IP:               10.244.0.6
        IPs:
          IP:  10.244.0.6
        Containers:
          myapp2:
            Container ID:   containerd://a867ebcf4fe7a6605c0db6a8061ec20d795e44d6f3d775b884bdb7b4f9578110
            Image:          blux2/hello-server:1.0
            Image ID:       docker.io/blux2/hello-server@sha256:e8f01ea70e01d3107c14774159ef1a525a954a7b6c8d8264ae6e1475b9061006
            Port:           <none>
            Host Port:      <none>
            State:          Running
              Started:      Mon, 30 Nov 2026 09:00:23 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-kfwxz (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          kube-api-access-kfwxz:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Error from server (NotFound): pods "nothere" not found
        Error from server (NotFound): pods "gone" not found
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe pods -l app=nope", expect![[r#"
        No resources found in default namespace.
    "#]]);
    check(&mut sb, "kubectl describe pod myapp -A", expect![[r#"
        error: a resource cannot be retrieved by name across all namespaces
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe pod myapp -l app=myapp", expect![[r#"
        error: name cannot be provided when a selector is specified
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe pods -l run=myapp2 --show-events=false", expect![[r#"
        Name:             myapp2
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           run=myapp2
        Annotations:      <none>
        Status:           Running
        IP:               10.244.0.6
        IPs:
          IP:  10.244.0.6
        Containers:
          myapp2:
            Container ID:   containerd://a867ebcf4fe7a6605c0db6a8061ec20d795e44d6f3d775b884bdb7b4f9578110
            Image:          blux2/hello-server:1.0
            Image ID:       docker.io/blux2/hello-server@sha256:e8f01ea70e01d3107c14774159ef1a525a954a7b6c8d8264ae6e1475b9061006
            Port:           <none>
            Host Port:      <none>
            State:          Running
              Started:      Mon, 30 Nov 2026 09:00:23 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-kfwxz (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          kube-api-access-kfwxz:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
    "#]]);
    check(&mut sb, "kubectl describe -f myapp.yaml --show-events=false", expect![[r#"
        Name:             myapp
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             kind-control-plane/172.18.0.2
        Start Time:       Mon, 30 Nov 2026 09:00:21 +0000
        Labels:           app=myapp
        Annotations:      <none>
        Status:           Running
        IP:               10.244.0.5
        IPs:
          IP:  10.244.0.5
        Containers:
          hello-server:
            Container ID:   containerd://f2090f6ae03513c137753be92170a0c1c89a2bd167d49d02bd58faf6b22525fa
            Image:          blux2/hello-server:1.0
            Image ID:       docker.io/blux2/hello-server@sha256:e8f01ea70e01d3107c14774159ef1a525a954a7b6c8d8264ae6e1475b9061006
            Port:           8080/TCP
            Host Port:      0/TCP
            State:          Running
              Started:      Mon, 30 Nov 2026 09:00:23 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-drl2n (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          kube-api-access-drl2n:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
    "#]]);
}

#[test]
fn all_pods_are_separated_by_two_blank_lines() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", MYAPP_1_0);
    sb.run_line("kubectl run myapp2 --image=blux2/hello-server:1.0");
    sb.advance(30_000);
    let out = sb.run_line("kubectl describe pods");
    assert_eq!(out.text.matches("\nName:").count() + usize::from(out.text.starts_with("Name:")), 2);
    assert!(out.text.contains("Events:\n"), "{}", out.text);
    assert!(out.text.contains("\n\n\nName:             myapp2\n"), "{}", out.text);
}

#[test]
fn a_name_prefix_describes_the_matching_pods() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", MYAPP_1_0);
    sb.run_line("kubectl run myapp2 --image=blux2/hello-server:1.0");
    sb.advance(30_000);
    let out = sb.run_line("kubectl describe pod my --show-events=false");
    assert_eq!(out.status, 0);
    // Each match is followed by a blank line.
    assert!(out.text.starts_with("Name:             myapp\n"), "{}", out.text);
    assert!(out.text.contains("Events:\n") || out.text.contains("Tolerations:"), "{}", out.text);
    assert!(out.text.contains("\n\nName:             myapp2\n"), "{}", out.text);
    assert!(out.text.ends_with("for 300s\n\n"), "{}", out.text);
}

#[test]
fn a_deleted_pod_with_events_left() {
    let mut sb = cluster();
    apply(&mut sb, "myapp.yaml", MYAPP_1_0);
    sb.advance(30_000);
    sb.run_line("kubectl delete pod myapp");
    // By name the resource builder's GET fails first; from a file the describer's own GET
    // fails and it falls back to the events.
    check(&mut sb, "kubectl describe pod myapp", expect![[r#"
        Error from server (NotFound): pods "myapp" not found
        [exit 1]
    "#]]);
    check(&mut sb, "kubectl describe -f myapp.yaml", expect![[r#"
        Pod 'myapp': error 'pods "myapp" not found', but found events.
        Events:
          Type    Reason     Age   From               Message
          ----    ------     ----  ----               -------
          Normal  Scheduled  30s   default-scheduler  Successfully assigned default/myapp to kind-control-plane
          Normal  Pulling    29s   kubelet            spec.containers{hello-server}: Pulling image "blux2/hello-server:1.0"
          Normal  Pulled     29s   kubelet            spec.containers{hello-server}: Successfully pulled image "blux2/hello-server:1.0" in 994ms (994ms including waiting). Image size: 4058339 bytes.
          Normal  Created    28s   kubelet            spec.containers{hello-server}: Created container: hello-server
          Normal  Started    28s   kubelet            spec.containers{hello-server}: Started container hello-server
          Normal  Killing    0s    kubelet            spec.containers{hello-server}: Stopping container hello-server
    "#]]);
}

#[test]
fn daemon_set_storage_class_priority_class() {
    let mut sb = cluster();
    sb.advance(60_000);
    check(&mut sb, "kubectl describe ds kube-proxy -n kube-system", expect![[r#"
        Name:           kube-proxy
        Namespace:      kube-system
        Selector:       k8s-app=kube-proxy
        Node-Selector:  kubernetes.io/os=linux
        Labels:         k8s-app=kube-proxy
        Annotations:    deprecated.daemonset.template.generation: 1
        Desired Number of Nodes Scheduled: 1
        Current Number of Nodes Scheduled: 1
        Number of Nodes Scheduled with Up-to-date Pods: 1
        Number of Nodes Scheduled with Available Pods: 1
        Number of Nodes Misscheduled: 0
        Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed
        Pod Template:
          Labels:           k8s-app=kube-proxy
          Service Account:  kube-proxy
          Containers:
           kube-proxy:
            Image:      registry.k8s.io/kube-proxy:v1.35.0
            Port:       <none>
            Host Port:  <none>
            Command:
              /usr/local/bin/kube-proxy
              --config=/var/lib/kube-proxy/config.conf
              --hostname-override=$(NODE_NAME)
            Environment:
              NODE_NAME:         (v1:spec.nodeName)
            Mounts:             <none>
          Volumes:              <none>
          Priority Class Name:  system-node-critical
          Node-Selectors:       kubernetes.io/os=linux
          Tolerations:          CriticalAddonsOnly op=Exists
                                node-role.kubernetes.io/control-plane:NoSchedule
        Events:                 <none>
    "#]]);
    check(&mut sb, "kubectl describe storageclass", expect![[r#"
        Name:                  standard
        IsDefaultClass:        Yes
        Annotations:           storageclass.kubernetes.io/is-default-class=true
        Provisioner:           rancher.io/local-path
        Parameters:            <none>
        AllowVolumeExpansion:  <unset>
        MountOptions:          <none>
        ReclaimPolicy:         Delete
        VolumeBindingMode:     WaitForFirstConsumer
        Events:                <none>
    "#]]);
    apply(
        &mut sb,
        "pc.yaml",
        "apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 1000
description: for the important ones
",
    );
    check(&mut sb, "kubectl describe priorityclass high", expect![[r#"
        Name:              high
        Value:             1000
        GlobalDefault:     false
        PreemptionPolicy:  PreemptLowerPriority
        Description:       for the important ones
        Annotations:       kubectl.kubernetes.io/last-applied-configuration={"apiVersion":"scheduling.k8s.io/v1","description":"for the important ones","kind":"PriorityClass","metadata":{"annotations":{},"name":"high"},"value":1000}

        Events:  <none>
    "#]]);
}

#[test]
fn stateful_set() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "sts.yaml",
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25.3
        volumeMounts:
        - name: data
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [\"ReadWriteOnce\"]
      resources:
        requests:
          storage: 1Gi
",
    );
    sb.advance(60_000);
    check(&mut sb, "kubectl describe statefulset web", expect![[r#"
        Name:               web
        Namespace:          default
        CreationTimestamp:  Mon, 30 Nov 2026 09:00:21 +0000
        Selector:           app=web
        Labels:             <none>
        Annotations:        <none>
        Replicas:           2 desired | 2 total
        Update Strategy:    RollingUpdate
          Partition:        0
          MaxUnavailable:   1
        Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
        Pod Template:
          Labels:  app=web
          Containers:
           nginx:
            Image:        nginx:1.25.3
            Port:         <none>
            Host Port:    <none>
            Environment:  <none>
            Mounts:
              /usr/share/nginx/html from data (rw)
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Volume Claims:
          Name:          data
          StorageClass:  
          Labels:        <none>
          Annotations:   <none>
          Capacity:      1Gi
          Access Modes:  [ReadWriteOnce]
        Events:
          Type    Reason            Age   From                    Message
          ----    ------            ----  ----                    -------
          Normal  SuccessfulCreate  60s   statefulset-controller  create Claim data-web-0 Pod web-0 in StatefulSet web success
          Normal  SuccessfulCreate  60s   statefulset-controller  create Pod web-0 in StatefulSet web successful
          Normal  SuccessfulCreate  53s   statefulset-controller  create Claim data-web-1 Pod web-1 in StatefulSet web success
          Normal  SuccessfulCreate  53s   statefulset-controller  create Pod web-1 in StatefulSet web successful
    "#]]);
}

#[test]
fn pod_with_an_init_container_while_terminating() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "init.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  name: with-init
spec:
  initContainers:
  - name: setup
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"echo ready\"]
  containers:
  - name: app
    image: nginx:1.25.3
  nodeSelector:
    kubernetes.io/os: linux
",
    );
    sb.advance(60_000);
    sb.run_line("kubectl delete pod with-init --wait=false");
    check(&mut sb, "kubectl describe pod with-init --show-events=false", expect![[r#"
        Name:                      with-init
        Namespace:                 default
        Priority:                  0
        Service Account:           default
        Node:                      kind-control-plane/172.18.0.2
        Start Time:                Mon, 30 Nov 2026 09:00:21 +0000
        Labels:                    <none>
        Annotations:               <none>
        Status:                    Terminating (lasts <invalid>)
        Termination Grace Period:  30s
        IP:                        10.244.0.5
        IPs:
          IP:  10.244.0.5
        Init Containers:
          setup:
            Image:      busybox:1.36
            Port:       <none>
            Host Port:  <none>
            Command:
              sh
              -c
              echo ready
            Environment:  <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-drl2n (ro)
        Containers:
          app:
            Container ID:   containerd://8d67e1b58b0a3b38f023b2b09d912ad69fd4dbc184307bb9c618fc0b833485db
            Image:          nginx:1.25.3
            Image ID:       docker.io/library/nginx@sha256:4d797893717d9af0cf2c67452058b5f2dbe9e4f7a287f0e4c2223779e3426266
            Port:           <none>
            Host Port:      <none>
            State:          Running
              Started:      Mon, 30 Nov 2026 09:00:26 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-drl2n (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          kube-api-access-drl2n:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              kubernetes.io/os=linux
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
    "#]]);
}

#[test]
fn cron_job_and_pod_disruption_budget_from_the_notes() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "cronjob.yaml",
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: date
spec:
  schedule: \"*/2 * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: date
            image: ubuntu:22.04
            command: [\"date\"]
          restartPolicy: Never
",
    );
    apply(
        &mut sb,
        "pdb.yaml",
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: hello-server-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: hello-server
",
    );
    sb.advance(60_000);
    check(&mut sb, "kubectl describe cronjob date", expect![[r#"
        Name:                          date
        Namespace:                     default
        Labels:                        <none>
        Annotations:                   <none>
        Schedule:                      */2 * * * *
        Concurrency Policy:            Allow
        Suspend:                       False
        Successful Job History Limit:  3
        Failed Job History Limit:      1
        Starting Deadline Seconds:     <unset>
        Selector:                      <unset>
        Parallelism:                   <unset>
        Completions:                   <unset>
        Pod Template:
          Labels:  <none>
          Containers:
           date:
            Image:      ubuntu:22.04
            Port:       <none>
            Host Port:  <none>
            Command:
              date
            Environment:     <none>
            Mounts:          <none>
          Volumes:           <none>
          Node-Selectors:    <none>
          Tolerations:       <none>
        Last Schedule Time:  <unset>
        Active Jobs:         <none>
        Events:              <none>
    "#]]);
    check(&mut sb, "kubectl describe pdb hello-server-pdb", expect![[r#"
        Name:           hello-server-pdb
        Namespace:      default
        Min available:  2
        Selector:       app=hello-server
        Status:
            Allowed disruptions:  0
            Current:              0
            Desired:              2
            Total:                0
        Events:                   <none>
    "#]]);
}

#[test]
fn horizontal_pod_autoscaler_from_the_notes() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "hpa.yaml",
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: hello-server-hpa
spec:
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - resource:
      name: cpu
      target:
        averageUtilization: 50
        type: Utilization
    type: Resource
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: hpa-handson
",
    );
    check(&mut sb, "kubectl describe hpa hello-server-hpa", expect![[r#"
        Name:                                                  hello-server-hpa
        Namespace:                                             default
        Labels:                                                <none>
        Annotations:                                           <none>
        CreationTimestamp:                                     Mon, 30 Nov 2026 09:00:21 +0000
        Reference:                                             Deployment/hpa-handson
        Metrics:                                               ( current / target )
          resource cpu on pods  (as a percentage of request):  <unknown> / 50%
        Min replicas:                                          1
        Max replicas:                                          10
        Deployment pods:                                       0 current / 0 desired
        Conditions:
          Type         Status  Reason          Message
          ----         ------  ------          -------
          AbleToScale  False   FailedGetScale  the HPA controller was unable to get the target's current scale: deployments/scale.apps "hpa-handson" not found
        Events:
          Type     Reason          Age   From                       Message
          ----     ------          ----  ----                       -------
          Warning  FailedGetScale  0s    horizontal-pod-autoscaler  deployments/scale.apps "hpa-handson" not found
    "#]]);
}

#[test]
fn node_sums_the_requests_and_limits_of_its_pods() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25.3
        resources:
          requests:
            cpu: 250m
            memory: 100Mi
          limits:
            cpu: \"1\"
            memory: 1Gi
",
    );
    sb.advance(60_000);
    let out = sb.run_line("kubectl describe node kind-control-plane --show-events=false");
    let from = out.text.find("Non-terminated Pods:").expect("pods table");
    expect![[r#"
        Non-terminated Pods:          (11 in total)
          Namespace                   Name                                          CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
          ---------                   ----                                          ------------  ----------  ---------------  -------------  ---
          default                     web-7f789cdfc8-2xx7s                          250m (3%)     1 (12%)     100Mi (0%)       1Gi (6%)       60s
          default                     web-7f789cdfc8-jnrn6                          250m (3%)     1 (12%)     100Mi (0%)       1Gi (6%)       60s
          kube-system                 coredns-6467776445-6j224                      100m (1%)     0 (0%)      70Mi (0%)        170Mi (1%)     70s
          kube-system                 coredns-6467776445-rf2nq                      100m (1%)     0 (0%)      70Mi (0%)        170Mi (1%)     70s
          kube-system                 etcd-kind-control-plane                       100m (1%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kindnet-dtdgs                                 100m (1%)     100m (1%)   50Mi (0%)        50Mi (0%)      70s
          kube-system                 kube-apiserver-kind-control-plane             250m (3%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kube-controller-manager-kind-control-plane    200m (2%)     0 (0%)      0 (0%)           0 (0%)         72s
          kube-system                 kube-proxy-hlg6r                              0 (0%)        0 (0%)      0 (0%)           0 (0%)         70s
          kube-system                 kube-scheduler-kind-control-plane             100m (1%)     0 (0%)      0 (0%)           0 (0%)         72s
          local-path-storage          local-path-provisioner-845ff6984f-qcz5f       0 (0%)        0 (0%)      0 (0%)           0 (0%)         68s
        Allocated resources:
          (Total limits may be over 100 percent, i.e., overcommitted.)
          Resource           Requests     Limits
          --------           --------     ------
          cpu                1450m (18%)  2100m (26%)
          memory             390Mi (2%)   2438Mi (15%)
          ephemeral-storage  0 (0%)       0 (0%)
          hugepages-1Gi      0 (0%)       0 (0%)
          hugepages-2Mi      0 (0%)       0 (0%)
    "#]].assert_eq(&out.text[from..]);
}

#[test]
fn persistent_volume_claim_and_an_ephemeral_volume() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "pvc.yaml",
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [\"ReadWriteOnce\"]
  resources:
    requests:
      storage: 1Gi
",
    );
    apply(
        &mut sb,
        "pod.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  name: uses-data
spec:
  containers:
  - name: app
    image: nginx:1.25.3
    volumeMounts:
    - name: data
      mountPath: /data
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
  - name: scratch
    ephemeral:
      volumeClaimTemplate:
        metadata:
          labels:
            type: scratch
        spec:
          accessModes: [\"ReadWriteOnce\"]
          resources:
            requests:
              storage: 1Gi
",
    );
    sb.advance(30_000);
    check(&mut sb, "kubectl describe pvc data", expect![[r#"
        Name:          data
        Namespace:     default
        StorageClass:  standard
        Status:        Bound
        Volume:        pvc-8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
        Labels:        <none>
        Annotations:   pv.kubernetes.io/bind-completed: yes
                       pv.kubernetes.io/bound-by-controller: yes
                       volume.beta.kubernetes.io/storage-provisioner: rancher.io/local-path
                       volume.kubernetes.io/selected-node: kind-control-plane
                       volume.kubernetes.io/storage-provisioner: rancher.io/local-path
        Finalizers:    [kubernetes.io/pvc-protection]
        Capacity:      1Gi
        Access Modes:  RWO
        VolumeMode:    Filesystem
        Used By:       uses-data
        Events:
          Type    Reason                 Age   From                                                                                                Message
          ----    ------                 ----  ----                                                                                                -------
          Normal  WaitForFirstConsumer   30s   persistentvolume-controller                                                                         waiting for first consumer to be created before binding
          Normal  ExternalProvisioning   30s   persistentvolume-controller                                                                         Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.
          Normal  Provisioning           30s   rancher.io/local-path_local-path-provisioner-845ff6984f-qcz5f_f53ecedf-b56b-4550-a97b-77b28e77e4ec  External provisioner is provisioning volume for claim "default/data"
          Normal  ProvisioningSucceeded  29s   rancher.io/local-path_local-path-provisioner-845ff6984f-qcz5f_f53ecedf-b56b-4550-a97b-77b28e77e4ec  Successfully provisioned volume pvc-8c8e4d4c-43fe-483d-ab6c-632cfcb602d7
    "#]]);
    let out = sb.run_line("kubectl describe pod uses-data --show-events=false");
    let from = out.text.find("Volumes:").expect("volumes");
    let to = out.text.find("QoS Class:").expect("qos");
    expect![[r#"
        Volumes:
          data:
            Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
            ClaimName:  data
            ReadOnly:   false
          scratch:
            Type:          EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)
            StorageClass:  
            Volume:        
            Labels:            type=scratch
            Annotations:       <none>
            Capacity:      
            Access Modes:  
          kube-api-access-2xx7s:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
    "#]].assert_eq(&out.text[from..to]);
}

#[test]
fn ingress() {
    let mut sb = cluster();
    apply(&mut sb, "deployment.yaml", NGINX_DEPLOYMENT);
    apply(
        &mut sb,
        "ingress.yaml",
        "apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - name: http
    port: 80
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: nginx
            port:
              number: 80
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              name: http
",
    );
    sb.advance(60_000);
    check(&mut sb, "kubectl describe ingress web --show-events=false", expect![[r#"
        Name:             web
        Labels:           <none>
        Namespace:        default
        Address:          
        Ingress Class:    <none>
        Default backend:  <default>
        Rules:
          Host             Path  Backends
          ----             ----  --------
          web.example.com  
                           /      nginx:80 (10.244.0.5:80,10.244.0.6:80,10.244.0.7:80)
                           /api   api:http (<error: services "api" not found>)
        Annotations:       <none>
    "#]]);
}

#[test]
fn quota_and_limit_range() {
    let mut sb = cluster();
    apply(
        &mut sb,
        "limits.yaml",
        "apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    requests.cpu: \"2\"
    requests.memory: 2Gi
    pods: \"10\"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
      memory: 256Mi
    defaultRequest:
      cpu: 100m
      memory: 128Mi
",
    );
    check(&mut sb, "kubectl describe quota compute", expect![[r#"
        Name:            compute
        Namespace:       default
        Resource         Used  Hard
        --------         ----  ----
        pods             0     10
        requests.cpu     0     2
        requests.memory  0     2Gi
    "#]]);
    check(&mut sb, "kubectl describe limitrange defaults", expect![[r#"
        Name:       defaults
        Namespace:  default
        Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
        ----        --------  ---  ---  ---------------  -------------  -----------------------
        Container   cpu       -    -    100m             500m           -
        Container   memory    -    -    128Mi            256Mi          -
    "#]]);
    check(&mut sb, "kubectl describe ns default", expect![[r#"
        Name:         default
        Labels:       kubernetes.io/metadata.name=default
        Annotations:  <none>
        Status:       Active

        Resource Quotas
          Name:            compute
          Resource         Used  Hard
          --------         ---   ---
          pods             0     10
          requests.cpu     0     2
          requests.memory  0     2Gi

        Resource Limits
         Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
         ----       --------  ---  ---  ---------------  -------------  -----------------------
         Container  cpu       -    -    100m             500m           -
         Container  memory    -    -    128Mi            256Mi          -
    "#]]);
}
