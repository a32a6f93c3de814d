//! gzip on the wire: pages, JSON, CSS and JS come compressed to a client that asks for it (and
//! decompress to exactly what an uncompressing client gets); downloads that are compressed
//! already (xlsx, PDF) come as they are.

use std::io::Read;

use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use reqwest::{Client, StatusCode};

use crate::helpers::{client, spawn_app};

/// GET `url` with `Accept-Encoding: encoding`: status, Content-Type, Content-Encoding, Vary and
/// the body as it came over the wire.
async fn fetch(
    c: &Client,
    url: &str,
    encoding: &str,
) -> (StatusCode, String, String, String, Vec<u8>) {
    let r = c
        .get(url)
        .header(ACCEPT_ENCODING, encoding)
        .send()
        .await
        .unwrap();
    let header = |name| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (kind, coding, vary) = (header(CONTENT_TYPE), header(CONTENT_ENCODING), header(VARY));
    (
        r.status(),
        kind,
        coding,
        vary,
        r.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn text_is_gzipped_when_asked_and_downloads_are_not() {
    let t = spawn_app().await;
    let anon = client();
    let dept = t.login("district_dept").await;
    for (path, kind) in [
        ("/guides", "text/html"),
        ("/policy", "text/html"),
        ("/api/v1/openapi.json", "application/json"),
        ("/static/app.css", "text/css"),
        ("/static/app.js", "text/javascript"),
    ] {
        let url = t.url(path);
        let (status, plain_kind, coding, _, plain) = fetch(&anon, &url, "identity").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(plain_kind.starts_with(kind), "{path}: {plain_kind}");
        assert_eq!(coding, "", "{path} without gzip asked");
        let (status, _, coding, vary, zipped) = fetch(&anon, &url, "gzip").await;
        assert_eq!(
            (status, coding.as_str()),
            (StatusCode::OK, "gzip"),
            "{path}"
        );
        assert!(
            vary.to_ascii_lowercase().contains("accept-encoding"),
            "{path}: Vary {vary}"
        );
        assert!(
            zipped.len() < plain.len(),
            "{path}: {} ≥ {} bytes",
            zipped.len(),
            plain.len()
        );
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(zipped.as_slice())
            .read_to_end(&mut unzipped)
            .unwrap();
        assert!(
            unzipped == plain,
            "{path}: the gzipped body is not the page"
        );
    }
    for (who, path, kind, magic) in [
        (
            &anon,
            t.url("/guides/residence/sample.pdf"),
            "application/pdf",
            &b"%PDF"[..],
        ),
        (
            &dept.client,
            dept.url("/demands/import/sample.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
    ] {
        let (status, got_kind, coding, _, body) = fetch(who, &path, "gzip").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(got_kind.starts_with(kind), "{path}: {got_kind}");
        assert_eq!(
            coding, "",
            "{path} is compressed already and must not be gzipped again"
        );
        assert!(
            body.starts_with(magic),
            "{path}: the body is not the file itself"
        );
    }
}
