//! A small HTTP/1.1 server side: reads requests (with limits and timeouts) and writes
//! responses, whole or chunked. Enough for kubectl and curl on loopback; no TLS.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The largest request body accepted (the API server's `--max-request-bytes`).
pub const MAX_BODY: usize = 3 * 1024 * 1024;
/// The largest request line plus headers accepted.
const MAX_HEAD: usize = 64 * 1024;

/// One parsed request.
#[derive(Debug)]
pub struct HttpRequest {
    pub method: String,
    /// The path, percent-decoded.
    pub path: String,
    /// Query pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client wants the connection closed after the response.
    pub close: bool,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Every value of a repeatable header.
    pub fn headers_named(&self, name: &str) -> Vec<String> {
        self.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection (or went idle) between requests.
    Closed,
    /// The request is malformed: answer with this code and message, then close.
    Bad(u16, String),
}

/// Reads one request. `Closed` on a clean end of stream or a timeout before any byte.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> Result<HttpRequest, ReadError> {
    let mut head_bytes = 0usize;
    let request_line = match read_line(reader, &mut head_bytes) {
        Ok(Some(l)) => l,
        Ok(None) => return Err(ReadError::Closed),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => return Err(ReadError::Bad(431, e.to_string())),
        Err(_) => return Err(ReadError::Closed),
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(ReadError::Bad(400, format!("malformed request line {request_line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad(505, format!("unsupported protocol {version:?}")));
    }
    let mut headers = Vec::new();
    loop {
        let line = match read_line(reader, &mut head_bytes) {
            Ok(Some(l)) => l,
            Ok(None) => return Err(ReadError::Bad(400, "unexpected end of headers".into())),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return Err(ReadError::Bad(431, e.to_string())),
            Err(e) => return Err(ReadError::Bad(408, format!("reading headers: {e}"))),
        };
        if line.is_empty() {
            break;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(ReadError::Bad(400, format!("malformed header line {line:?}")));
        };
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let connection = header("connection").unwrap_or("").to_ascii_lowercase();
    let close = connection.contains("close") || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    let chunked = header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let len = match header("content-length") {
            None => 0,
            Some(v) => v.parse::<usize>().map_err(|_| ReadError::Bad(400, format!("bad Content-Length {v:?}")))?,
        };
        if len > MAX_BODY {
            return Err(ReadError::Bad(413, "Request entity too large: limit is 3145728".into()));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).map_err(|e| ReadError::Bad(408, format!("reading body: {e}")))?;
        body
    };
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect();
    Ok(HttpRequest { method: method.to_string(), path: percent_decode(raw_path, false), query, headers, body, close })
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut head = 0usize;
    loop {
        let line = match read_line(reader, &mut head) {
            Ok(Some(l)) => l,
            _ => return Err(ReadError::Bad(400, "malformed chunked body".into())),
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| ReadError::Bad(400, "malformed chunk size".into()))?;
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad(413, "Request entity too large: limit is 3145728".into()));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                match read_line(reader, &mut head) {
                    Ok(Some(l)) if l.is_empty() => return Ok(body),
                    Ok(Some(_)) => {}
                    _ => return Err(ReadError::Bad(400, "malformed chunked body".into())),
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).map_err(|e| ReadError::Bad(408, format!("reading body: {e}")))?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|_| ReadError::Bad(400, "malformed chunked body".into()))?;
    }
}

/// One line without its `\r\n`; `None` at end of stream before any byte. The head's
/// total size is bounded, so a client cannot make us buffer without end.
fn read_line(reader: &mut BufReader<TcpStream>, head_bytes: &mut usize) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let limit = MAX_HEAD.saturating_sub(*head_bytes) as u64 + 1;
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    *head_bytes += n;
    if *head_bytes > MAX_HEAD || !line.ends_with(b"\n") {
        if *head_bytes > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request header fields too large"));
        }
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed mid-line"));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// `%XX` decoding; `+` is a space in query strings only.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The reason phrase for a status code.
pub fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Writes a whole response with `Content-Length`.
pub fn write_response(stream: &mut impl Write, code: u16, content_type: &str, extra: &[(&str, String)], body: &[u8], close: bool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n", reason(code), body.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    stream.write_all(&out)?;
    stream.flush()
}

/// Starts a chunked response (a watch stream).
pub fn start_chunked(stream: &mut impl Write, content_type: &str) -> io::Result<()> {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    stream.flush()
}

/// One chunk; an empty `data` would end the stream, so it is skipped.
pub fn write_chunk(stream: &mut impl Write, data: &[u8]) -> io::Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    stream.write_all(&out)?;
    stream.flush()
}

/// The last chunk.
pub fn end_chunked(stream: &mut impl Write) -> io::Result<()> {
    stream.write_all(b"0\r\n\r\n")?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%3Db+c", true), "a=b c");
        assert_eq!(percent_decode("a%3Db+c", false), "a=b+c");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
        assert_eq!(percent_decode("%41", true), "A");
    }
}
