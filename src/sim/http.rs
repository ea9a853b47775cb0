//! Just enough HTTP/1.1 for the simulators: one request per connection, `Content-Length` bodies,
//! `Connection: close` answers. Hand-rolled on purpose: the faults need to write raw, broken bytes
//! that no HTTP library would let through.

use tokio::io::{AsyncRead, AsyncReadExt};

/// Request line plus headers; a real client sends a few hundred bytes.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Request bodies; a Cloud Pay request is under 2 KB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a request could not be read. The simulator just closes the connection, so the till sees a
/// network error and a "result unknown" payment.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Reading from the socket failed (reset, closed mid-request).
    #[error("connection failed: {0}")]
    Io(#[from] std::io::Error),
    /// The peer closed the connection before a whole request arrived.
    #[error("connection closed mid-request")]
    Closed,
    /// The request line and headers exceed [`MAX_HEAD_BYTES`].
    #[error("request head too large")]
    HeadTooLarge,
    /// `Content-Length` exceeds [`MAX_BODY_BYTES`].
    #[error("request body too large")]
    BodyTooLarge,
    /// Not HTTP/1.x as we speak it (bad request line, bad header, chunked body).
    #[error("malformed request: {0}")]
    Malformed(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The path without its query string.
    pub fn route(&self) -> &str {
        self.path.split_once('?').map_or(self.path.as_str(), |(route, _)| route)
    }

    /// The query string's parameters, then a form body's (`application/x-www-form-urlencoded`, or no
    /// content type), decoded: `+` is a space, `%XX` bytes are UTF-8. A bare `reprint` gives
    /// `("reprint", "")`.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut params = match self.path.split_once('?') {
            Some((_, query)) => parse_form(query.as_bytes()),
            None => Vec::new(),
        };
        let form = self.header("content-type").is_none_or(|t| t.starts_with("application/x-www-form-urlencoded"));
        if form && !self.body.is_empty() {
            params.extend(parse_form(&self.body));
        }
        params
    }
}

/// Decodes `a=1&b=%E4%B8%AD` into pairs.
pub fn parse_form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Reads one request: head up to the blank line, then exactly `Content-Length` body bytes.
pub async fn read_request<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Request, HttpError> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(HttpError::HeadTooLarge);
        }
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            return Err(HttpError::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    if head_end > MAX_HEAD_BYTES {
        return Err(HttpError::HeadTooLarge);
    }
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| HttpError::Malformed("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(HttpError::Malformed("request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(HttpError::Malformed("HTTP version"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { return Err(HttpError::Malformed("header line")) };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request { method: method.to_string(), path: path.to_string(), headers, body: Vec::new() };
    if request.header("transfer-encoding").is_some() {
        return Err(HttpError::Malformed("chunked bodies are not supported"));
    }
    let length = match request.header("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| HttpError::Malformed("content-length"))?,
        None => 0,
    };
    if length > MAX_BODY_BYTES {
        return Err(HttpError::BodyTooLarge);
    }
    let mut body = buf.split_off(head_end + 4);
    if body.len() < length {
        let have = body.len();
        body.resize(length, 0);
        reader.read_exact(&mut body[have..]).await.map_err(|_| HttpError::Closed)?;
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A whole response with a true `Content-Length`.
pub fn response(status: u16, reason: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    response_declaring(status, reason, content_type, body, body.len())
}

/// A response whose `Content-Length` says `declared` whatever the body is: lets a fault promise more
/// bytes than it sends.
pub fn response_declaring(status: u16, reason: &str, content_type: &str, body: &[u8], declared: usize) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Adds the `Date` header a real server sends (RFC 9110 §6.6.1: the platform's clock, `at_ms` unix
/// milliseconds) after the status line of a response made above. The till reads its clock from it.
pub fn with_date(mut response: Vec<u8>, at_ms: i64) -> Vec<u8> {
    let Some(end) = find(&response, b"\r\n").filter(|_| response.starts_with(b"HTTP/")) else { return response };
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(u64::try_from(at_ms).unwrap_or(0));
    let header = format!("\r\nDate: {}", httpdate::fmt_http_date(at));
    response.splice(end..end, header.into_bytes());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    async fn parse(raw: &[u8]) -> Result<Request, HttpError> {
        let (mut client, mut server) = tokio::io::duplex(64 * 1024);
        client.write_all(raw).await.expect("write");
        drop(client);
        read_request(&mut server).await
    }

    #[tokio::test]
    async fn reads_a_post_with_a_body() {
        let req =
            parse(b"POST /cpay/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nJAVAPing").await.expect("req");
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/cpay/ping");
        assert_eq!(req.header("host"), Some("x"));
        assert_eq!(req.body, b"JAVAPing");
    }

    #[test]
    fn a_response_carries_the_date_of_the_simulators_clock() {
        let r = with_date(response(200, "OK", "text/plain", b"hi"), 1_740_796_215_000);
        let text = String::from_utf8(r).expect("text");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nDate: Sat, 01 Mar 2025 02:30:15 GMT\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nhi"), "{text}");
        assert_eq!(with_date(b"garbage".to_vec(), 0), b"garbage");
    }

    #[tokio::test]
    async fn refuses_what_it_cannot_serve() {
        assert!(matches!(parse(b"POST / HTTP/1.1\r\nContent-Length: 9").await, Err(HttpError::Closed)));
        assert!(matches!(parse(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc").await, Err(HttpError::Closed)));
        assert!(matches!(parse(b"garbage\r\n\r\n").await, Err(HttpError::Malformed(_))));
        let big = format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY_BYTES + 1);
        assert!(matches!(parse(big.as_bytes()).await, Err(HttpError::BodyTooLarge)));
        let long = format!("POST / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD_BYTES));
        assert!(matches!(parse(long.as_bytes()).await, Err(HttpError::HeadTooLarge)));
    }

    #[tokio::test]
    async fn reads_query_and_form_parameters() {
        let raw = "POST /o2o-dm/op.php?action=read&x HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 24\r\n\r\ninfo=%E4%B8%AD+a%0D%0A&b=";
        let req = parse(raw.as_bytes()).await.expect("req");
        assert_eq!(req.route(), "/o2o-dm/op.php");
        let expected: Vec<(String, String)> = [("action", "read"), ("x", ""), ("info", "中 a\r\n"), ("b", "")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(req.params(), expected);
    }

    #[test]
    fn writes_content_length() {
        let r = response(200, "OK", "application/json", b"{}");
        assert!(r.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert!(r.ends_with(b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"));
    }
}
