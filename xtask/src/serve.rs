//! A small static file server for `dist/`, on loopback only: enough for `cargo xtask
//! serve` and the browser tests (GET and HEAD, the MIME types the site uses).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;

use crate::util::{Error, Result};

/// A server running on its own thread; it stops with the process.
pub struct Server {
    /// The URL of the site (with the mount path).
    pub url: String,
}

/// Serves `dir` at `mount` (e.g. "/" or "/kubeniwa/") on 127.0.0.1:`port` (0 picks a
/// free port).
pub fn start(dir: &Path, port: u16, mount: &str) -> Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Error(format!("cannot listen on 127.0.0.1:{port}: {e} (is another server running there?)"))
    })?;
    let addr = listener.local_addr()?;
    let site = Arc::new(Site { dir: dir.to_path_buf(), mount: mount.to_string() });
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = Arc::clone(&site);
            thread::spawn(move || {
                let _ = site.answer(stream);
            });
        }
    });
    Ok(Server { url: format!("http://{addr}{mount}") })
}

struct Site {
    dir: PathBuf,
    mount: String,
}

impl Site {
    fn answer(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut request_line = String::new();
        reader.read_line(&mut request_line)?;
        // Headers are read and ignored.
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        let mut out = stream;
        if method != "GET" && method != "HEAD" {
            return respond(&mut out, "405 Method Not Allowed", "text/plain", b"", method);
        }
        let path = target.split(['?', '#']).next().unwrap_or("/");
        if self.mount != "/" && (path == "/" || path == self.mount.trim_end_matches('/')) {
            return redirect(&mut out, &self.mount);
        }
        let Some(file) = self.resolve(path) else {
            return respond(&mut out, "404 Not Found", "text/plain", b"not found\n", method);
        };
        match std::fs::read(&file) {
            Ok(body) => respond(&mut out, "200 OK", mime(&file), &body, method),
            Err(_) => respond(&mut out, "404 Not Found", "text/plain", b"not found\n", method),
        }
    }

    /// Maps a URL path to a file under `dir`, refusing anything outside it.
    fn resolve(&self, path: &str) -> Option<PathBuf> {
        let rest = path.strip_prefix(self.mount.as_str()).or_else(|| {
            (self.mount == "/").then(|| path.trim_start_matches('/'))
        })?;
        let decoded = percent_decode(rest)?;
        let relative = Path::new(&decoded);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut file = self.dir.join(relative);
        if file.is_dir() {
            file = file.join("index.html");
        }
        file.is_file().then_some(file)
    }
}

fn respond(out: &mut TcpStream, status: &str, mime: &str, body: &[u8], method: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

fn redirect(out: &mut TcpStream, location: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    out.write_all(head.as_bytes())
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "ttf" => "font/ttf",
        "woff2" => "font/woff2",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_site_are_refused() {
        let site = Site { dir: PathBuf::from("/nonexistent"), mount: "/kubeniwa/".into() };
        assert_eq!(site.resolve("/kubeniwa/../etc/passwd"), None);
        assert_eq!(site.resolve("/kubeniwa/%2e%2e/etc/passwd"), None);
        assert_eq!(site.resolve("/other/index.html"), None);
    }

    #[test]
    fn wasm_has_its_mime_type() {
        assert_eq!(mime(Path::new("app_bg.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("boot.js")), "text/javascript; charset=utf-8");
    }
}
