//! `kubeniwa serve` over raw HTTP: keep-alive, watches as chunked JSON lines, the
//! control endpoints, and clients that send garbage, too much, or nothing at all.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    port: u16,
    kubeconfig: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.kubeconfig);
    }
}

fn start() -> Server {
    let kubeconfig = std::env::temp_dir().join(format!("kubeniwa-serve-test-{}.kubeconfig", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeniwa"))
        .args(["serve", "--port", "0", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start kubeniwa serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let port = line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("serve said {line:?}"));
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
    });
    Server { child, port, kubeconfig }
}

fn connect(s: &Server) -> TcpStream {
    let c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c
}

/// Reads one response with a Content-Length body: (status, head, body).
fn read_response(r: &mut BufReader<TcpStream>) -> (u16, String, String) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("response head");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let len: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).expect("response body");
    (code, head, String::from_utf8_lossy(&body).into_owned())
}

fn request(s: &Server, raw: &[u8]) -> (u16, String, String) {
    let mut c = connect(s);
    c.write_all(raw).unwrap();
    read_response(&mut BufReader::new(c))
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let s = start();
    let mut c = connect(&s);
    c.write_all(b"GET /api/v1/namespaces/kube-system/pods HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut r = BufReader::new(c.try_clone().unwrap());
    let (code, head, body) = read_response(&mut r);
    assert_eq!(code, 200, "{head}{body}");
    assert!(head.contains("Content-Type: application/json"));
    assert!(body.contains("\"kind\":\"PodList\""), "{body}");
    let (code, _, body) = read_response(&mut r);
    assert_eq!(code, 200);
    assert!(body.contains("v1.35"), "{body}");
}

#[test]
fn errors_are_status_objects_with_the_right_codes() {
    let s = start();
    let (code, _, body) = request(&s, b"GET /api/v1/namespaces/default/pods/nope HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(code, 404);
    assert!(body.contains("\"reason\":\"NotFound\""), "{body}");
    let (code, _, body) = request(&s, b"NONSENSE\r\n\r\n");
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("\"kind\":\"Status\""), "{body}");
    let (code, _, _) = request(&s, b"GET / HTTP/2.0\r\n\r\n");
    assert_eq!(code, 505);
    let (code, _, body) = request(&s, b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"kind\":1");
    assert_eq!(code, 400, "{body}");
    let (code, _, body) = request(&s, b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n");
    assert_eq!(code, 413, "{body}");
    assert!(body.contains("RequestEntityTooLarge"), "{body}");
    let (code, _, _) = request(&s, b"OPTIONS /api HTTP/1.1\r\n\r\n");
    assert_eq!(code, 405);
    let huge_header = format!("GET /api HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(100_000));
    let (code, _, _) = request(&s, huge_header.as_bytes());
    assert_eq!(code, 431);
}

#[test]
fn yaml_bodies_are_accepted() {
    let s = start();
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: \"1\"\n";
    let raw = format!("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\n\r\n{yaml}", yaml.len());
    let (code, _, body) = request(&s, raw.as_bytes());
    assert_eq!(code, 201, "{body}");
    assert!(body.contains("\"name\":\"from-yaml\""), "{body}");
}

#[test]
fn a_silent_client_does_not_block_others() {
    let s = start();
    // Half a request, then nothing.
    let mut stalled = connect(&s);
    stalled.write_all(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Length: 100\r\n\r\n{").unwrap();
    let (code, _, _) = request(&s, b"GET /api HTTP/1.1\r\n\r\n");
    assert_eq!(code, 200);
}

#[test]
fn exec_and_clock_drive_the_same_cluster() {
    let s = start();
    let run = |line: &str| {
        let raw = format!("POST /kubeniwa/v1/exec HTTP/1.1\r\nContent-Length: {}\r\n\r\n{line}", line.len());
        request(&s, raw.as_bytes())
    };
    let (code, head, text) = run("kubectl create configmap shared --from-literal=a=b");
    assert_eq!(code, 200);
    assert!(head.contains("X-Kubeniwa-Exit-Status: 0"), "{head}");
    assert_eq!(text, "configmap/shared created\n");
    let (code, _, body) = request(&s, b"GET /api/v1/namespaces/default/configmaps/shared HTTP/1.1\r\n\r\n");
    assert_eq!(code, 200, "{body}");
    let clock = |body: &str| {
        let raw = format!("POST /kubeniwa/v1/clock HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        request(&s, raw.as_bytes())
    };
    let (code, _, body) = clock("{\"advance_ms\": 5000}");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"paused\":true"), "{body}");
    let (_, _, first) = clock("{\"advance_ms\": 0}");
    std::thread::sleep(Duration::from_millis(50));
    let (_, _, second) = clock("{\"advance_ms\": 0}");
    assert_eq!(first, second, "a paused clock stands still");
    let (code, _, _) = clock("{\"advance_ms\": -1}");
    assert_eq!(code, 400);
    let (code, _, _) = request(&s, b"POST /kubeniwa/v1/restore HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(code, 409, "nothing to restore yet");
}

#[test]
fn watches_stream_chunked_events() {
    let s = start();
    let mut w = connect(&s);
    w.write_all(b"GET /api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5 HTTP/1.1\r\n\r\n").unwrap();
    let mut r = BufReader::new(w.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("Transfer-Encoding: chunked"), "{head}");
    let body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"watched\"}}";
    let raw = format!("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    let (code, _, _) = request(&s, raw.as_bytes());
    assert_eq!(code, 201);
    // Chunks until the ADDED event for the new object (kube-root-ca.crt comes first).
    let mut seen = String::new();
    while !seen.contains("\"name\":\"watched\"") {
        let mut size = String::new();
        r.read_line(&mut size).unwrap();
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        assert!(n > 0, "the watch ended before the event: {seen}");
        let mut chunk = vec![0; n + 2];
        r.read_exact(&mut chunk).unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.lines().all(|l| l.trim().is_empty() || l.starts_with("{\"object\":") || l.starts_with("{\"type\":")), "{seen}");
    assert!(seen.contains("\"type\":\"ADDED\""), "{seen}");
}

/// Reads one unmasked server frame: (opcode, payload).
fn read_frame(r: &mut impl Read) -> (u8, Vec<u8>) {
    let mut head = [0u8; 2];
    r.read_exact(&mut head).expect("frame head");
    let len = match head[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            r.read_exact(&mut b).unwrap();
            u64::from(u16::from_be_bytes(b))
        }
        127 => {
            let mut b = [0u8; 8];
            r.read_exact(&mut b).unwrap();
            u64::from_be_bytes(b)
        }
        n => u64::from(n),
    };
    let mut payload = vec![0u8; len as usize];
    r.read_exact(&mut payload).unwrap();
    (head[0] & 0x0f, payload)
}

#[test]
fn exec_speaks_the_websocket_channel_protocol() {
    let s = start();
    let run = "kubectl run web --image=nginx:1.25.3";
    request(&s, format!("POST /kubeniwa/v1/exec HTTP/1.1\r\nContent-Length: {}\r\n\r\n{run}", run.len()).as_bytes());
    let tick = "{\"advance_ms\": 30000}";
    request(&s, format!("POST /kubeniwa/v1/clock HTTP/1.1\r\nContent-Length: {}\r\n\r\n{tick}", tick.len()).as_bytes());

    let exec = |command: &str| -> (String, Vec<(u8, Vec<u8>)>) {
        let mut c = connect(&s);
        let query: String = command.split(' ').map(|w| format!("command={w}&")).collect();
        let req = format!(
            "GET /api/v1/namespaces/default/pods/web/exec?{query}container=web&stdout=true&stderr=true HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"
        );
        c.write_all(req.as_bytes()).unwrap();
        let mut r = BufReader::new(c);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut frames = Vec::new();
        loop {
            let (op, payload) = read_frame(&mut r);
            if op == 0x8 {
                break;
            }
            frames.push((payload[0], payload[1..].to_vec()));
        }
        (head, frames)
    };
    let (head, frames) = exec("ls /usr/share/nginx/html");
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    assert!(head.contains("Sec-WebSocket-Protocol: v5.channel.k8s.io"), "{head}");
    assert_eq!(frames[0].0, 1, "stdout first: {frames:?}");
    assert!(String::from_utf8_lossy(&frames[0].1).contains("index.html"), "{frames:?}");
    assert_eq!(frames.last().unwrap(), &(3, b"{\"metadata\":{},\"status\":\"Success\"}".to_vec()));
    let (_, frames) = exec("cat /nope");
    let status = String::from_utf8_lossy(&frames.last().unwrap().1).into_owned();
    assert!(status.contains("\"reason\":\"NonZeroExitCode\"") && status.contains("\"message\":\"1\""), "{status}");
    // Without the upgrade, a Status explains.
    let (code, _, body) = request(&s, b"POST /api/v1/namespaces/default/pods/web/exec?command=ls HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(code, 400, "{body}");
}
