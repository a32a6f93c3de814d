//! How fast the seal's operations run, each also as a ratio to SM3 over 1 KiB measured in the
//! same run, so that a slowdown shows as a falling ratio rather than as a number that depends
//! on the machine and on what else it is doing. Std only (no criterion):
//! `cargo bench -p jianfu-seal`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use jianfu_seal::*;

const WARM_UP: Duration = Duration::from_millis(300);
const MEASURE: Duration = Duration::from_secs(2);

/// Runs `f` in batches of `batch` calls for about `MEASURE` after a warm-up; calls per second.
fn rate(batch: u64, mut f: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < WARM_UP {
        for _ in 0..batch {
            f();
        }
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < MEASURE {
        for _ in 0..batch {
            f();
        }
        calls += batch;
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    // The first render parses the embedded 4 MB font (cached for the process after that).
    let authority = SealKey::generate();
    let key = SealKey::generate();
    let seal = sign_seal_record(
        SealRecord {
            version: 1,
            seal_id: "210302001001-01".into(),
            name: "鞍山市铁东区示例和平社区居民委员会".into(),
            owner_code: "210302001001".into(),
            kind: "证明专用章".into(),
            public_key: key.public_key(),
            allowed_signers: vec!["wang.li".into()],
            valid_from: "2026-01-01".into(),
            valid_to: "2026-12-31".into(),
            issuer: "鞍山市电子印章管理机构".into(),
            algorithm: "SM2-SM3".into(),
        },
        &authority,
    );
    let content = CertificateContent {
        version: 1,
        serial: "ZM-2026-000123".into(),
        check_code: "7KQ2M9XW4B".into(),
        type_code: "kinship".into(),
        type_name: "亲属关系证明".into(),
        community_name: "鞍山市铁东区示例和平社区居民委员会".into(),
        community_code: "210302001001".into(),
        applicant_name: "张小明".into(),
        applicant_id_number: "210302199001011234".into(),
        purpose: "办理户口迁移".into(),
        body: "兹证明张小明（身份证号码：210302199001011234）与张大山（身份证号码：\
               210302196505054321）系父子关系。\n经本社区居民委员会走访核实，以上情况属实，特此证明。"
            .into(),
        issued_on: "2026-11-28".into(),
        verify_url: "https://jianfu.example.gov.cn/v/ZM-2026-000123?c=7KQ2M9XW4B".into(),
        seal_id: "210302001001-01".into(),
        signer: "wang.li".into(),
    };
    let opts = RenderOptions::signed(&key);
    let first = Instant::now();
    let doc = seal_certificate(content, &seal, &key).unwrap();
    let pdf = render_pdf(&doc, &opts).unwrap();
    let first_call = first.elapsed();
    let authority_pk = authority.public_key();
    let json = doc.to_json();

    let letters: Vec<char> = "安宝北昌朝晨春翠大德东芳丰福富港光广桂海和河红虹湖华欢辉惠吉佳建江金锦景静俊康兰乐利莲林龙绿美明宁平启青庆泉荣瑞山胜盛石顺松泰桃天通同万旺文西喜祥新兴秀旭阳怡永友玉园远月云泽长振正志中竹紫"
        .chars()
        .collect();
    let variants: Vec<_> = (0..64)
        .map(|i| {
            let mut c = doc.content.clone();
            c.applicant_name = format!(
                "{}{}",
                letters[i % letters.len()],
                letters[(i * 7 + 3) % letters.len()]
            );
            c.body = format!("{}（{}）", c.body, c.applicant_name);
            seal_certificate(c, &seal, &key).unwrap()
        })
        .collect();
    let mut variants = variants.iter().cycle();
    let kib = vec![0x5Au8; 1024];
    let message = doc.content.canonical_bytes();
    let signature = key.sign_hex(&message);
    let public = key.public_key();

    let sm3 = rate(1024, || {
        black_box(sm3_hex(black_box(&kib)));
    });
    let rows: Vec<(&str, f64)> = vec![
        (
            "SM2 sign (certificate bytes)",
            rate(64, || {
                black_box(key.sign_hex(black_box(&message)));
            }),
        ),
        (
            "SM2 verify",
            rate(64, || {
                assert!(public.verify_hex(black_box(&message), &signature));
            }),
        ),
        (
            "seal_certificate",
            rate(16, || {
                black_box(seal_certificate(doc.content.clone(), &seal, &key).unwrap());
            }),
        ),
        (
            "verify_sealed",
            rate(16, || {
                verify_sealed(black_box(&doc), &authority_pk).unwrap();
            }),
        ),
        (
            "render_pdf (signed)",
            // Texts that differ in a few letters, as real certificates do: each render makes
            // its font subset afresh (krilla remembers the subset of a text it has seen).
            rate(4, || {
                let doc = variants.next().unwrap();
                black_box(render_pdf(black_box(doc), &opts).unwrap());
            }),
        ),
        (
            "verify_file (PDF)",
            rate(4, || {
                black_box(verify_file(black_box(&pdf), &authority_pk).unwrap());
            }),
        ),
        (
            "verify_file (JSON)",
            rate(16, || {
                black_box(verify_file(black_box(json.as_bytes()), &authority_pk).unwrap());
            }),
        ),
        (
            "seal_svg",
            rate(4, || {
                black_box(seal_svg(
                    black_box("鞍山市铁东区示例和平社区居民委员会"),
                    "证明专用章",
                ));
            }),
        ),
    ];

    println!(
        "jianfu-seal bench ({} s per row, after {} ms warm-up)",
        MEASURE.as_secs(),
        WARM_UP.as_millis()
    );
    println!(
        "first seal_certificate + render_pdf (cold font): {:.1} ms",
        first_call.as_secs_f64() * 1e3
    );
    println!("PDF size: {} bytes", pdf.len());
    println!("{:<32} {:>12} {:>14}", "operation", "ops/s", "÷ SM3-1KiB/s");
    println!(
        "{:<32} {:>12.0} {:>14}",
        "SM3 of 1 KiB (baseline)", sm3, "1"
    );
    for (name, ops) in rows {
        println!("{:<32} {:>12.1} {:>14.6}", name, ops, ops / sm3);
    }
}
