//! The request head `serve` reads (method, target, `Host`, `Origin`), and the rule that only
//! this machine's pages may use the server: a `Host` or `Origin` that is not the loopback
//! address it listens on (a DNS-rebinding page, another site's script) is refused on every
//! route. Pure: bytes in, a decision out.

/// The longest request head read; a longer one is refused.
pub const MAX_HEAD: usize = 16 * 1024;

/// What `serve` needs of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent (`/entries/20/?x`).
    pub target: String,
    pub host: Option<String>,
    pub origin: Option<String>,
}

/// The length of the head in `buf` (up to and including the blank line), once it is complete.
pub fn head_len(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Parses a complete request head; `None` when it is not HTTP/1.x of the shape expected.
pub fn parse(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target, version) = (first.next()?, first.next()?, first.next()?);
    if first.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    let mut rq = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        host: None,
        origin: None,
    };
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let slot = match name.to_ascii_lowercase().as_str() {
            "host" => &mut rq.host,
            "origin" => &mut rq.origin,
            _ => continue,
        };
        // Two different values of one of them is a request to refuse, not to pick from.
        let value = value.trim().to_owned();
        if slot.as_ref().is_some_and(|v| *v != value) {
            return None;
        }
        *slot = Some(value);
    }
    Some(rq)
}

/// Whether `rq` comes from a page of this server at 127.0.0.1:`port`: its `Host` names the
/// loopback address or `localhost` with that port, and its `Origin`, when sent, is
/// `http://` and such a host. The refusal is a status and a reason.
pub fn allowed(rq: &Request, port: u16) -> Result<(), (u16, &'static str)> {
    let host = rq.host.as_deref().unwrap_or("");
    if !is_local(host, port) {
        return Err((421, "this server answers only for 127.0.0.1 and localhost"));
    }
    match rq.origin.as_deref() {
        None => Ok(()),
        Some(o) if o.strip_prefix("http://").is_some_and(|h| is_local(h, port)) => Ok(()),
        Some(_) => Err((403, "requests from other sites are refused")),
    }
}

/// `127.0.0.1:PORT` or `localhost:PORT` (any case; the port may be left out only when it is
/// 80, as a browser does).
fn is_local(authority: &str, port: u16) -> bool {
    let a = authority.to_ascii_lowercase();
    let (name, given) = match a.rsplit_once(':') {
        Some((n, p)) => (n, p.parse::<u16>().ok()),
        None => (a.as_str(), Some(80)),
    };
    matches!(name, "127.0.0.1" | "localhost") && given == Some(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rq(host: Option<&str>, origin: Option<&str>) -> Request {
        Request {
            method: "GET".into(),
            target: "/".into(),
            host: host.map(Into::into),
            origin: origin.map(Into::into),
        }
    }

    #[test]
    fn a_head_is_parsed_with_its_host_and_origin() {
        let head = b"GET /a?b HTTP/1.1\r\nhOsT:  127.0.0.1:8000 \r\nOrigin: http://localhost:8000\r\nX: y\r\n\r\n";
        assert_eq!(head_len(head), Some(head.len()));
        assert_eq!(head_len(&head[..head.len() - 1]), None);
        let r = parse(head).unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b"));
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:8000"));
        assert_eq!(r.origin.as_deref(), Some("http://localhost:8000"));
    }

    #[test]
    fn malformed_heads_are_refused() {
        for head in [
            &b"GET /\r\n\r\n"[..],
            b"GET http://evil/ HTTP/1.1\r\n\r\n",
            b"GET / HTTP/2\r\n\r\n",
            b"GET / HTTP/1.1 x\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil:1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: \xff\r\n\r\n",
        ] {
            assert_eq!(parse(head), None, "{}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn only_loopback_hosts_and_origins_of_the_port_are_allowed() {
        for (host, origin) in [
            (Some("127.0.0.1:8000"), None),
            (Some("localhost:8000"), None),
            (Some("LocalHost:8000"), Some("http://127.0.0.1:8000")),
        ] {
            assert_eq!(
                allowed(&rq(host, origin), 8000),
                Ok(()),
                "{host:?} {origin:?}"
            );
        }
        for (host, origin, status) in [
            (None, None, 421),
            (Some("evil.example.com"), None, 421),
            (Some("evil.example.com:8000"), None, 421),
            (Some("127.0.0.1:8001"), None, 421),
            (Some("127.0.0.1"), None, 421),
            (Some("127.0.0.1.evil.com:8000"), None, 421),
            (Some("127.0.0.1:8000"), Some("http://evil.example.com"), 403),
            (Some("127.0.0.1:8000"), Some("null"), 403),
            (Some("127.0.0.1:8000"), Some("https://127.0.0.1:8000"), 403),
            (Some("127.0.0.1:8000"), Some("http://127.0.0.1:9000"), 403),
        ] {
            assert_eq!(
                allowed(&rq(host, origin), 8000).map_err(|e| e.0),
                Err(status),
                "{host:?} {origin:?}"
            );
        }
        assert_eq!(allowed(&rq(Some("localhost"), None), 80), Ok(()));
    }
}
