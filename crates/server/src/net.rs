//! Addresses and networks from the configuration: the proxies whose `X-Forwarded-For` is
//! trusted, and who may read `/metrics`.

use std::net::IpAddr;

/// One address or network (`10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses an address or `address/prefix`; the error says what is wrong, in Chinese.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("“{text}”不是 IP 地址或网段（例如 10.0.0.5 或 10.0.0.0/8）"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("“{text}”的前缀长度应为 0–{max}"))?,
        };
        Ok(Self { addr, prefix })
    }

    /// The loopback addresses (the proxy or the scraper on the same machine).
    pub fn loopback() -> Vec<Self> {
        vec![
            Self {
                addr: IpAddr::from([127, 0, 0, 0]),
                prefix: 8,
            },
            Self {
                addr: IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                prefix: 128,
            },
        ]
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer seen on a dual-stack socket as ::ffff:a.b.c.d is that IPv4 address.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// Whether `ip` lies in one of `nets`.
pub fn any_contains(nets: &[IpNet], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(ip))
}

/// The client behind the proxies: the peer unless it is a trusted proxy; then `X-Forwarded-For`
/// read from the right (each proxy appends the address it saw), skipping trusted proxies, and
/// the first address that is not one is the client. A header value that is not an address
/// stops the walk at the last trusted hop (a client cannot smuggle a name in). Without trusted
/// proxies the header is ignored.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    if !any_contains(trusted, peer) {
        return peer;
    }
    let Some(list) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in list.rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !any_contains(trusted, ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let n = IpNet::parse("10.1.0.0/16").unwrap();
        assert!(n.contains(ip("10.1.200.3")));
        assert!(!n.contains(ip("10.2.0.1")));
        assert!(IpNet::parse("10.0.0.5").unwrap().contains(ip("10.0.0.5")));
        assert!(!IpNet::parse("10.0.0.5").unwrap().contains(ip("10.0.0.6")));
        assert!(
            IpNet::parse("10.0.0.0/12")
                .unwrap()
                .contains(ip("10.15.255.255"))
        );
        assert!(
            !IpNet::parse("10.0.0.0/12")
                .unwrap()
                .contains(ip("10.16.0.0"))
        );
        assert!(IpNet::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(
            IpNet::loopback()
                .iter()
                .any(|n| n.contains(ip("::ffff:127.0.0.1")))
        );
        assert!(IpNet::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpNet::parse("proxy").unwrap_err().contains("不是 IP 地址"));
        assert!(IpNet::parse("10.0.0.0/33").unwrap_err().contains("0–32"));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = vec![IpNet::parse("10.0.0.2").unwrap()];
        // Not from the proxy: the header is the client's own claim, ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // From the proxy: the address it appended (the rightmost), not what the client wrote
        // before it.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // Chained trusted proxies are skipped.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.2"), &trusted),
            ip("198.51.100.7")
        );
        // Garbage stops the walk; no header: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("evil, 10.0.0.2"), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), None, &trusted),
            ip("10.0.0.2")
        );
        // No trusted proxies: never.
        assert_eq!(
            client_address(ip("127.0.0.1"), Some("1.2.3.4"), &[]),
            ip("127.0.0.1")
        );
    }
}
